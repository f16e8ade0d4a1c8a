using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Web.OpenIdProvider;
using Signpost.Web.Setup;
using Signpost.Web.Tests.Email;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.OpenIdProvider;

/// <summary>
/// <c>signpost serve --demo</c> registers the sample portal (samples/Portal) as a client of the demo practice, once,
/// and only in demo mode — a host without it has none, which ClientsPageTests checks on its own host (docs/oidc-provider.md "The sample portal").
/// </summary>
public sealed class DemoPortalClientTests
{
    [Fact]
    public async Task ServeDemo_RegistersTheSamplePortalOnce_ItsSignInLandsOnTheDemoPractice()
    {
        // Arrange + Act: the real host started as --demo, on plain HTTP as the demo serves
        await using var demo = new EmailApp { Demo = true, Settings = { ["Signpost:PublicBaseUrl"] = "http://localhost" } };
        var client = await ShowAsync(demo);

        // Assert: a public client (no secret anywhere) of the demo practice, at the portal's default address
        Assert.NotNull(client);
        Assert.Equal(("public", Bootstrap.DemoPortalClientId), (client.Type, client.ClientId));
        Assert.Equal(["http://localhost:5002/signin-oidc"], client.RedirectUris);
        Assert.Equal(["http://localhost:5002/signout-callback-oidc"], client.PostLogoutRedirectUris);
        Assert.Equal([Bootstrap.DemoSlug], client.Practices);
        Assert.Equal(["openid", "profile", "email", "npi", "practices"], client.Scopes);

        // Act + Assert: a restart finds it and leaves it; one registration in the audit trail
        await using (var scope = demo.Services.CreateAsyncScope())
        {
            Assert.False(await scope.ServiceProvider.GetRequiredService<Bootstrap>().SeedDemoPortalAsync(CancellationToken.None));
        }

        Assert.Equal(1, await demo.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "oidc_client.create" && e.TargetId == Bootstrap.DemoPortalClientId)));

        // Act: the sample portal's authorization request, as its handler sends it
        using var browser = demo.CreateBrowser();
        using var response = await browser.GetAsync("/connect/authorize?client_id=" + Bootstrap.DemoPortalClientId
            + "&redirect_uri=" + Uri.EscapeDataString("http://localhost:5002/signin-oidc") + "&response_type=code&response_mode=query"
            + "&scope=" + Uri.EscapeDataString("openid profile email npi practices")
            + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=s&nonce=n");

        // Assert: accepted, and on to the demo practice's sign-in page
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.StartsWith($"/o/{Bootstrap.DemoSlug}?returnUrl=%2Fconnect%2Fauthorize", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    /// <summary>The demo's client as the registry shows it; null when there is none (a host without --demo: ClientsPageTests).</summary>
    public static Task<ClientView?> ShowAsync(SignpostFactory app) =>
        app.WithServicesAsync(async services => (await services.GetRequiredService<ClientRegistry>().ShowAsync(Bootstrap.DemoPortalClientId, CancellationToken.None)).Value);
}
