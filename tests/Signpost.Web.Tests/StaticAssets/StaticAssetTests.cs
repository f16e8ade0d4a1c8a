using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Signpost.Web.Tests.Infrastructure;
using static Signpost.Web.Tests.Platform.PlatformPeople;

namespace Signpost.Web.Tests.StaticAssets;

/// <summary>
/// wwwroot through MapStaticAssets: pages name content-fingerprinted URLs, which are served compressed and
/// cached for a year, under the same Content-Security-Policy as the pages. The host runs as outside
/// Development (<see cref="Setup.SignpostHost.ReloadStaticAssetsKey"/> off): in Development ASP.NET Core
/// re-reads each file and answers no-cache on purpose. It stays in Development otherwise, because that is
/// where the build's compressed files are found from the test's output folder.
/// </summary>
public sealed partial class StaticAssetTests(StaticAssetTests.AssetsApp app) : IClassFixture<StaticAssetTests.AssetsApp>
{
    public sealed class AssetsApp : SignpostFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(Setup.SignpostHost.ReloadStaticAssetsKey, "false");
        }
    }

    private const string YearImmutable = "max-age=31536000, immutable";

    /// <summary>The file, compressed when asked (checked against the uncompressed answer), with its caching headers.</summary>
    private static async Task<HttpResponseMessage> AssertServedCompressedAndLongCachedAsync(TestBrowser browser, string url)
    {
        using var plain = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        var expected = await plain.Content.ReadAsByteArrayAsync();

        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var response = await browser.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(YearImmutable, response.Headers.CacheControl?.ToString());
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        var compressed = await response.Content.ReadAsByteArrayAsync();
        Assert.True(compressed.Length < expected.Length, $"{compressed.Length} compressed bytes for {expected.Length}");
        await using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var body = new MemoryStream();
        await gzip.CopyToAsync(body);
        Assert.Equal(expected, body.ToArray());
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        return response;
    }

    [Fact]
    public async Task SignInPage_ScriptAndStylesheet_AreFingerprintedCompressedAndCachedForAYear()
    {
        using var browser = app.CreateBrowser();

        var (page, document) = await browser.GetPageAsync("/sign-in");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var script = document.QuerySelectorAll("script[src]").Select(s => s.GetAttribute("src")!).Single(s => s.Contains("sign-in", StringComparison.Ordinal));
        Assert.Matches(Fingerprinted("js/sign-in", "js"), script);
        var stylesheet = document.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href")!;
        Assert.Matches(Fingerprinted("css/site", "css"), stylesheet);
        using var _ = await AssertServedCompressedAndLongCachedAsync(browser, script);

        // The plain path still answers (a page cached before a release), but must be revalidated.
        using var plain = await browser.GetAsync("/js/sign-in.js");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("no-cache", plain.Headers.CacheControl?.ToString());
        Assert.NotNull(plain.Headers.ETag);
    }

    [Fact]
    public async Task PasswordPage_MeterLibrariesFromNpm_AreNamedByFingerprintedUrls()
    {
        var slug = TestAccounts.Unique("meter");
        await app.CreateOrganizationAsync(slug, "Meter Family Practice");
        var (_, browser) = await SignedInAsync(app, "meter", slug);
        using var _b = browser;

        var (page, document) = await browser.GetPageAsync("/account/password");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Matches(Fingerprinted("js/password-meter", "js"), document.QuerySelectorAll("script[src]").Select(s => s.GetAttribute("src")!).Single(s => s.Contains("password-meter", StringComparison.Ordinal)));
        var template = document.QuerySelector("#password-meter-template")!;
        var core = template.GetAttribute("data-core-src")!;
        var language = template.GetAttribute("data-language-src")!;
        Assert.Matches(Fingerprinted("lib/zxcvbn-ts/core/zxcvbn-ts", "js"), core);
        Assert.Matches(Fingerprinted("lib/zxcvbn-ts/language-common/zxcvbn-ts", "js"), language);

        // The UMD bundles the build copied from node_modules (package-lock.json pins 4.2.0 and 4.1.3).
        using var coreResponse = await AssertServedCompressedAndLongCachedAsync(browser, core);
        using var languageResponse = await AssertServedCompressedAndLongCachedAsync(browser, language);
        using var plainCore = await browser.GetAsync(core);
        Assert.Contains("zxcvbnts", await plainCore.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Regex Fingerprinted(string stem, string extension) => new($"^/{Regex.Escape(stem)}\\.[a-z0-9]{{10}}\\.{extension}$");
}
