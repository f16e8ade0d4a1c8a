using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Platform;
using Signpost.Web.Sso;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso;

/// <summary>
/// The Signpost host with single sign-on toward providers on loopback over plain HTTP, a two-second
/// backchannel timeout and no periodic health run (tests run checks themselves).
/// </summary>
public partial class SsoApp : SignpostFactory
{
    public const int TimeoutSeconds = 2;

    public SsoApp() => BackgroundJobs = true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Signpost:Sso:AllowHttpProviders", AllowHttpProviders ? "true" : "false");
        builder.UseSetting("Signpost:Sso:AllowPrivateProviderAddresses", AllowPrivateProviderAddresses ? "true" : "false");
        builder.UseSetting("Signpost:Sso:BackchannelTimeoutSeconds", BackchannelTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Signpost:Sso:HealthChecksEnabled", "false");
        builder.UseSetting("Signpost:Sso:ExpiryAlertDays", "14");
        // A request may name its client address, so stories can have several people at their own desks.
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddressFilter>());
        if (TrustedCertificateAuthoritiesFile is { } authorities)
        {
            builder.UseSetting("Signpost:Sso:TrustedCertificateAuthoritiesFile", authorities);
        }

        if (OperatorsEmail is { } operators)
        {
            builder.UseSetting("Signpost:Sso:OperatorsEmail", operators);
        }
    }

    /// <summary>How long a call to a provider may take; <see cref="TimeoutSeconds"/> unless a test needs a slow provider to stay stuck longer.</summary>
    public int BackchannelTimeoutSeconds { get; init; } = TimeoutSeconds;

    /// <summary>The test providers speak plain HTTP; off only where a test proves the https rule.</summary>
    public bool AllowHttpProviders { get; init; } = true;

    /// <summary>The test providers listen on 127.0.0.1; off only where a test proves the public-address rule.</summary>
    public bool AllowPrivateProviderAddresses { get; init; } = true;

    /// <summary>Platform operators' address for connection alerts; unset, only practice admins are told.</summary>
    public string? OperatorsEmail { get; init; }

    /// <summary>The test CA of a provider served over https (<see cref="TestTls"/>); unset, only the system's roots are trusted.</summary>
    public string? TrustedCertificateAuthoritiesFile { get; init; }

    /// <summary>Messages written to the pickup folder (no SMTP server is configured in these tests).</summary>
    public IReadOnlyList<string> PickedUpMail() =>
        Directory.Exists(Path.Combine(Folder, "mail")) ? Directory.GetFiles(Path.Combine(Folder, "mail"), "*.eml").Select(File.ReadAllText).ToList() : [];

    /// <summary>The redirect URI Signpost sends for a practice (what the provider must have registered).</summary>
    public static string CallbackFor(string slug) => $"{TestBrowser.BaseUri.ToString().TrimEnd('/')}/sso/callback/{slug}";

    /// <summary>A practice with a connection to <paramref name="discoveryUrl"/>, saved through the app's own administration.</summary>
    public Task<SsoConnection> CreateConnectionAsync(string slug, string discoveryUrl, SsoConnectionRequest? request = null) =>
        WithServicesAsync(async services =>
        {
            await services.GetRequiredService<PlatformProvisioning>().CreateOrganizationAsync(slug, $"Practice {slug}", null, "America/Chicago", CancellationToken.None).Done();
            var wanted = (request ?? new SsoConnectionRequest("", "", null)) with { DiscoveryUrl = discoveryUrl, ClientId = TestProvider.ClientId, ClientSecret = TestProvider.ClientSecret };
            return await services.GetRequiredService<SsoConnectionManager>().SaveAsync(slug, wanted, CancellationToken.None).Done();
        });

    /// <summary>A member of the practice with this email (and NPI), active with a password.</summary>
    public Task<Account> CreateMemberAsync(string slug, string email, string? npi = null, PracticeRoles roles = PracticeRoles.Staff) =>
        WithServicesAsync(services => services.GetRequiredService<PlatformProvisioning>().CreateAccountAsync(
            slug, TestAccounts.Unique("member"), email, "Member", npi, roles, PlatformRoles.None, TestAccounts.Password, CancellationToken.None).Done());

    /// <summary>Opens <c>/sso/{slug}</c> and returns where Signpost sent the browser (the provider's authorization URL).</summary>
    public static async Task<Uri> StartAsync(TestBrowser browser, string slug)
    {
        using var response = await browser.GetAsync($"/sso/{slug}");
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        return response.Headers.Location!;
    }

    /// <summary>
    /// Plays the person at the provider: follows its redirects with the provider's own cookies, fills its login
    /// page with <paramref name="login"/> when it shows one, and returns the redirect back to Signpost.
    /// </summary>
    public static async Task<Uri> AtProviderAsync(Uri authorize, string? login = null, TestTls? tls = null)
    {
        var handler = TestProvider.Handler(tls);
        handler.CookieContainer = new CookieContainer();
        using var http = new HttpClient(handler);
        var next = authorize;
        HttpContent? post = null;
        for (var hop = 0; hop < 12; hop++)
        {
            if (next.Host == TestBrowser.BaseUri.Host)
            {
                return next;
            }

            using var response = post is null ? await http.GetAsync(next) : await http.PostAsync(next, post);
            post = null;
            if (response.Headers.Location is { } location)
            {
                next = location.IsAbsoluteUri ? location : new Uri(next, location);
                continue;
            }

            var html = await response.Content.ReadAsStringAsync();
            var action = FormAction().Match(html);
            Assert.True(action.Success && login is not null, $"The provider showed no login form at {next}: {(int)response.StatusCode} {html[..Math.Min(html.Length, 400)]}");
            var fields = HiddenField().Matches(html).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
            fields["login"] = login!;
            fields["password"] = "any password";
            post = new FormUrlEncodedContent(fields);
            next = new Uri(next, WebUtility.HtmlDecode(action.Groups["action"].Value));
        }

        throw new InvalidOperationException("Too many hops at the provider.");
    }

    /// <summary>Delivers the provider's answer to Signpost's callback in <paramref name="browser"/>.</summary>
    public static Task<HttpResponseMessage> CallbackAsync(TestBrowser browser, Uri callback) => browser.GetAsync(callback.PathAndQuery);

    /// <summary>The event the callback wrote, by the trace ID on its response.</summary>
    public Task<SignInEvent> EventOfAsync(HttpResponseMessage response) => EventAsync(response.Headers.GetValues("X-Trace-Id").Single());

    [GeneratedRegex("<form[^>]*action=\"(?<action>[^\"]+)\"[^>]*method=\"post\"", RegexOptions.IgnoreCase)]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenField();
}
