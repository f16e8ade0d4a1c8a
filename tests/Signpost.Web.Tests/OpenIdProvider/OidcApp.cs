using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Web.OpenIdProvider;
using Signpost.Web.Platform;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Sso;

namespace Signpost.Web.Tests.OpenIdProvider;

/// <summary>
/// The Signpost host listening on a real loopback port (Kestrel), since the relying party is another process;
/// its public base URL, and so the provider's issuer, is that address over plain HTTP.
/// </summary>
public sealed class OidcApp : SignpostFactory
{
    /// <summary>Where the portal would receive the code: nothing listens there, the test reads the redirect.</summary>
    public const string Callback = "http://127.0.0.1:9/portal/callback";

    public OidcApp()
    {
        Port = TestProvider.FreePort();
        UseKestrel(Port);
    }

    public int Port { get; }

    public string Issuer => $"http://127.0.0.1:{Port}/";

    /// <summary>Further settings for the host (a class that needs, say, short delivery retries).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Signpost:PublicBaseUrl", $"http://127.0.0.1:{Port}");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public void Start() => StartServer();

    /// <summary>A browser against the real port: its own cookies, no redirects followed, a supported Chrome.</summary>
    public TestBrowser CreateRealBrowser()
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = new Uri(Issuer) };
        http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", TestBrowser.SupportedChrome);
        return new TestBrowser(http, cookies);
    }

    /// <summary>A plain HTTP client for requests a portal's server would send by hand (the attacks).</summary>
    public HttpClient CreateBackChannel() => new() { BaseAddress = new Uri(Issuer) };

    /// <summary>A practice with one member holding a password (and an NPI).</summary>
    public Task<Account> CreateMemberAsync(string slug, string username, string? npi = null, PracticeRoles roles = PracticeRoles.Staff) =>
        WithServicesAsync(async services =>
        {
            var provisioning = services.GetRequiredService<PlatformProvisioning>();
            if (await services.GetRequiredService<IOrganizationStore>().FindBySlugAsync(slug, CancellationToken.None) is null)
            {
                await provisioning.CreateOrganizationAsync(slug, $"Practice {slug}", null, "America/Chicago", CancellationToken.None).Done();
            }

            return await provisioning.CreateAccountAsync(slug, username, $"{username}@clinic.example", $"Dr {username}", npi, roles, PlatformRoles.None,
                TestAccounts.Password, CancellationToken.None).Done();
        });

    /// <summary>Registers a client through the same service as <c>signpost clients add</c>; returns its secret (null for a public client).</summary>
    public Task<string?> AddClientAsync(string clientId, IReadOnlyList<string> practices, bool isPublic = false, bool clientCredentials = false,
        string scopes = "openid profile email npi practices offline_access", IReadOnlyList<string>? postLogout = null, string? backChannelLogout = null) =>
        WithServicesAsync(async services =>
        {
            var issued = await services.GetRequiredService<ClientRegistry>().AddAsync(new ClientRequest(
                clientId, $"Portal {clientId}", isPublic, [Callback], postLogout ?? [], backChannelLogout, scopes.Split(' '), practices, clientCredentials, null, null),
                CancellationToken.None).Done();
            return issued.Secret;
        });
}
