using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Pages;

/// <summary>
/// Over HTTPS (directly, or from a trusted proxy's X-Forwarded-Proto) the answers carry HSTS and Signpost's
/// cookies are <c>__Host-</c>, Secure, path /; a plain-named session cookie planted over HTTPS does not count.
/// Over plain HTTP nothing changes (the other tests run there).
/// </summary>
public sealed class TransportSecurityTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    private static readonly Uri Https = new("https://signpost.test");

    [Fact]
    public async Task Https_SignInThroughTheForm_SetsHostPrefixedSecureCookies_AndHsts_AndTheSessionWorks()
    {
        // Arrange
        var slug = TestAccounts.Unique("tls");
        await app.CreateOrganizationAsync(slug, "TLS Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("tls"), slug);
        using var browser = HttpsBrowser(out var cookies);

        // Act: the form page, its post (anti-forgery through the renamed cookie), then a signed-in page.
        using var page = await browser.GetAsync("/sign-in");
        var pageCookies = page.Headers.GetValues("Set-Cookie").ToList();
        using var signIn = await browser.SignInAsync(account.Username, TestAccounts.Password);
        var signInCookies = signIn.Headers.GetValues("Set-Cookie").ToList();
        using var home = await browser.GetAsync("/");

        // Assert
        Assert.Equal("max-age=31536000", Assert.Single(page.Headers.GetValues("Strict-Transport-Security")));
        Assert.Contains(pageCookies, c => c.StartsWith("__Host-sp_af=", StringComparison.Ordinal) && IsHostCookie(c));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location?.OriginalString);
        Assert.Contains(signInCookies, c => c.StartsWith("__Host-sp_session=", StringComparison.Ordinal) && IsHostCookie(c));
        Assert.Contains(signInCookies, c => c.StartsWith("__Host-sp_dev_", StringComparison.Ordinal) && IsHostCookie(c));
        Assert.DoesNotContain(pageCookies.Concat(signInCookies), c => c.StartsWith("sp_", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal(ReasonCodes.SignedIn, Assert.Single(await app.EventsForAccountAsync(account.Id)).ReasonCode);
    }

    [Fact]
    public async Task Https_PlainNamedSessionCookie_IsIgnored_WhileTheHostPrefixedOneCounts()
    {
        var slug = TestAccounts.Unique("tls");
        await app.CreateOrganizationAsync(slug, "TLS Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("tls"), slug);
        using var browser = HttpsBrowser(out var cookies);
        using var signIn = await browser.ApiSignInAsync(account.Username, TestAccounts.Password);
        var token = cookies.GetCookies(Https)["__Host-sp_session"]!.Value;

        using var planted = app.CreateDefaultClient(Https);
        planted.DefaultRequestHeaders.Add("Cookie", $"sp_session={token}");
        using var plantedAnswer = await planted.GetAsync(new Uri("/", UriKind.Relative));
        using var genuine = app.CreateDefaultClient(Https);
        genuine.DefaultRequestHeaders.Add("Cookie", $"__Host-sp_session={token}");
        using var genuineAnswer = await genuine.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, plantedAnswer.StatusCode);
        Assert.StartsWith("/sign-in", plantedAnswer.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, genuineAnswer.StatusCode);
    }

    [Fact]
    public async Task PlainHttp_NoHsts_PlainCookieNames()
    {
        using var browser = app.CreateBrowser();

        using var page = await browser.GetAsync("/sign-in");

        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
        Assert.Contains(page.Headers.GetValues("Set-Cookie"), c => c.StartsWith("sp_af=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ForwardedProtoHttps_FromTrustedProxyOnly_GetsHstsAndHostCookies()
    {
        await using var proxied = new ProxyApp();
        using var viaProxy = await GetSignInAsync(proxied, connection: "10.0.0.5");
        using var spoofed = await GetSignInAsync(proxied, connection: "198.51.100.4");

        Assert.Equal("max-age=31536000", Assert.Single(viaProxy.Headers.GetValues("Strict-Transport-Security")));
        Assert.Contains(viaProxy.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-sp_af=", StringComparison.Ordinal) && IsHostCookie(c));
        Assert.False(spoofed.Headers.Contains("Strict-Transport-Security"));
        Assert.Contains(spoofed.Headers.GetValues("Set-Cookie"), c => c.StartsWith("sp_af=", StringComparison.Ordinal));
    }

    private TestBrowser HttpsBrowser(out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        var client = app.CreateDefaultClient(Https, new CookieContainerHandler(cookies));
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", TestBrowser.SupportedChrome);
        return new TestBrowser(client, cookies);
    }

    private static bool IsHostCookie(string setCookie) =>
        setCookie.Contains("; secure", StringComparison.OrdinalIgnoreCase)
        && setCookie.Contains("; path=/", StringComparison.OrdinalIgnoreCase)
        && !setCookie.Contains("domain=", StringComparison.OrdinalIgnoreCase);

    private static async Task<HttpResponseMessage> GetSignInAsync(SignpostFactory app, string connection)
    {
        // Not localhost: HSTS is never sent to localhost, so a developer's machine is never pinned.
        using var client = app.CreateDefaultClient(new Uri("http://signpost.test"));
        client.DefaultRequestHeaders.Add(ClientAddressFilter.Header, connection);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        return await client.GetAsync(new Uri("/sign-in", UriKind.Relative));
    }

    private sealed class ProxyApp : SignpostFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Signpost:TrustedProxies:0", "10.0.0.5");
            builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddressFilter>());
        }
    }
}
