using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Core.OpenIdProvider;
using Signpost.Core.Tokens;
using Signpost.Web.Incidents;
using Signpost.Web.OpenIdProvider;
using Signpost.Web.Tests.Admin;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Sso;

namespace Signpost.Web.Tests.OpenIdProvider;

/// <summary>One Signpost on a real port whose delivery retries come after a second, not thirty.</summary>
public sealed class BackChannelFixture : IAsyncLifetime
{
    public OidcApp App { get; } = new()
    {
        Settings = new Dictionary<string, string>
        {
            ["Signpost:Webhook:BaseDelaySeconds"] = "1",
            ["Signpost:Webhook:MaxDelaySeconds"] = "1",
            ["Signpost:Webhook:TimeoutSeconds"] = "5",
        },
    };

    public ValueTask InitializeAsync()
    {
        App.Start();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// OpenID Connect Back-Channel Logout: when a Signpost session ends, each portal that received tokens for it is sent a
/// logout token, through the delivery queue and its retries. The receiver is a portal's endpoint in Node that checks the
/// token with jose (signature against the JWKS, iss, aud, typ, events, sid, no nonce) and answers 400 when any check fails.
/// </summary>
public sealed class BackChannelLogoutTests(BackChannelFixture fixture) : IClassFixture<BackChannelFixture>
{
    private OidcApp App => fixture.App;

    [Fact]
    public async Task PasswordReset_EndsSession_PortalReceivesLogoutTokenItValidates_PortalWithoutTokensGetsNone()
    {
        var member = await App.CreateMemberAsync("bcl-reset", "bcl.rita");
        var port = TestProvider.FreePort();
        await using var receiver = await BackChannelReceiver.StartAsync(port, App.Issuer, "portal-bcl-reset");
        var secret = await App.AddClientAsync("portal-bcl-reset", ["bcl-reset"], backChannelLogout: receiver.Url);
        // A second portal with a back-channel URI that the person opens but that never redeems its code.
        await App.AddClientAsync("portal-bcl-idle", ["bcl-reset"], backChannelLogout: receiver.Url);
        using var browser = App.CreateRealBrowser();
        var tokens = await SignInAsync(browser, "portal-bcl-reset", secret, "bcl.rita");
        var sid = tokens["claims"]!["sid"]!.GetValue<string>();
        await using (var idle = await RelyingParty.StartAsync())
        {
            await idle.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId = "portal-bcl-idle", clientSecret = "unused" });
            var url = (await idle.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid" }))["url"]!.GetValue<string>();
            Assert.Contains("code=", (await OidcFixture.FollowAuthorizeAsync(browser, url)).Query, StringComparison.Ordinal);
        }

        // Act: the person resets the password from the link the email would carry; every session ends.
        var link = await App.WithServicesAsync(async services =>
        {
            var account = await services.GetRequiredService<IAccountStore>().FindByIdAsync(member.Id, CancellationToken.None);
            var (raw, _) = await services.GetRequiredService<LinkTokens>().IssueAsync(account!, ActionTokenPurpose.PasswordReset, TimeSpan.FromHours(1), CancellationToken.None);
            return $"/reset-password?token={raw}";
        });
        using var resetter = App.CreateRealBrowser();
        var form = await resetter.OpenFormAsync(link);
        var done = await TestBrowser.ParseAsync(await resetter.SubmitAsync(form, [new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword)]));
        Assert.NotNull(done.QuerySelector("[data-testid=reset-done]"));

        // The logout is queued by the reset itself, for the portal that got tokens only; the job sends it. (The
        // class shares one database: the other tests' portals have deliveries of their own.)
        var queued = Assert.Single(await DeliveriesAsync(), d => d.EventType == WebhookDelivery.BackChannelLogoutEvent && d.ClientId is "portal-bcl-reset" or "portal-bcl-idle");
        Assert.Equal(("portal-bcl-reset", receiver.Url, WebhookDeliveryStatus.Pending, (Guid?)null), (queued.ClientId, queued.Target, queued.Status, queued.IncidentId));
        await RunDeliveriesAsync();

        var received = Assert.Single(await ReceivedAsync(receiver, 1));
        Assert.True(received["ok"]!.GetValue<bool>(), received.ToJsonString());
        var claims = received["claims"]!;
        Assert.Equal((sid, member.Id.ToString(), "portal-bcl-reset", App.Issuer), (claims["sid"]!.GetValue<string>(), claims["sub"]!.GetValue<string>(), claims["aud"]!.GetValue<string>(), claims["iss"]!.GetValue<string>()));
        Assert.Equal(queued.Id.ToString("N"), claims["jti"]!.GetValue<string>());
        Assert.NotNull(claims["events"]![LogoutTokens.BackChannelLogoutEvent]);
        Assert.Null(claims["nonce"]);
        Assert.Equal("logout+jwt", received["header"]!["typ"]!.GetValue<string>());
        var signingKey = await App.WithDbAsync(db => db.ProviderKeys.AsNoTracking().SingleAsync(k => k.Use == ProviderKeyUse.Signing && k.RetiredAt == null));
        Assert.Equal(signingKey.Id, received["header"]!["kid"]!.GetValue<string>());

        var delivered = Assert.Single(await DeliveriesAsync(), d => d.Id == queued.Id);
        Assert.Equal((WebhookDeliveryStatus.Delivered, 1, 200), (delivered.Status, delivered.Attempts, delivered.LastStatusCode));
        Assert.DoesNotContain(await DeliveriesAsync(), d => d.ClientId == "portal-bcl-idle");
        var pairs = await App.WithDbAsync(db => db.SessionClients.AsNoTracking().Where(p => p.AccountId == member.Id).ToListAsync());
        Assert.Equal("portal-bcl-reset", Assert.Single(pairs).ClientId);
        Assert.NotNull(pairs[0].LogoutQueuedAt);
    }

    [Fact]
    public async Task SignOut_ReceiverDown_FailureRecorded_RetriedWithBackoff_DeliveredOnceUp_ShownInDeliveryLog()
    {
        await App.CreateMemberAsync("bcl-down", "bcl.dee");
        var port = TestProvider.FreePort();
        var url = $"http://127.0.0.1:{port}/backchannel-logout";
        var secret = await App.AddClientAsync("portal-bcl-down", ["bcl-down"], backChannelLogout: url);
        using var browser = App.CreateRealBrowser();
        var tokens = await SignInAsync(browser, "portal-bcl-down", secret, "bcl.dee");

        // Act 1: a plain sign-out while nothing listens at the portal's endpoint.
        var signOut = await browser.OpenFormAsync("/sign-out");
        var stopwatch = Stopwatch.StartNew();
        using (var signedOut = await browser.SubmitAsync(signOut))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }

        stopwatch.Stop();
        await RunDeliveriesAsync();

        var failing = Assert.Single(await DeliveriesAsync(), d => d.ClientId == "portal-bcl-down");
        Assert.Equal((WebhookDeliveryStatus.Pending, 1, (int?)null), (failing.Status, failing.Attempts, failing.LastStatusCode));
        Assert.StartsWith("Could not reach the endpoint: ConnectionError", failing.LastError, StringComparison.Ordinal);
        var firstAttempt = Assert.Single(await AttemptsAsync(failing.Id));
        Assert.Equal(firstAttempt.At.AddSeconds(1), failing.NextAttemptAt, TimeSpan.FromMilliseconds(100));

        // Act 2: the portal comes back; the retry is due after the backoff and is delivered.
        await using var receiver = await BackChannelReceiver.StartAsync(port, App.Issuer, "portal-bcl-down");
        var deadline = Stopwatch.StartNew();
        while ((await DeliveriesAsync()).Single(d => d.Id == failing.Id).Status == WebhookDeliveryStatus.Pending)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "the retry was never sent");
            await Task.Delay(100);
            await RunDeliveriesAsync();
        }

        var received = Assert.Single(await ReceivedAsync(receiver, 1));
        Assert.True(received["ok"]!.GetValue<bool>(), received.ToJsonString());
        Assert.Equal(tokens["claims"]!["sid"]!.GetValue<string>(), received["claims"]!["sid"]!.GetValue<string>());
        Assert.Equal(failing.Id.ToString("N"), received["claims"]!["jti"]!.GetValue<string>());
        var delivered = Assert.Single(await DeliveriesAsync(), d => d.Id == failing.Id);
        Assert.Equal((WebhookDeliveryStatus.Delivered, 2, 200), (delivered.Status, delivered.Attempts, delivered.LastStatusCode));
        Assert.Equal([(1, (int?)null), (2, 200)], (await AttemptsAsync(failing.Id)).Select(a => (a.Number, a.StatusCode)));

        // The sign-out never waited on the portal (the sending happened in the job, after it).
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"sign-out took {stopwatch.Elapsed}");

        // The delivery log operators read shows it, with the failed attempt and its reason.
        var admin = await App.CreateAccountAsync(TestAccounts.Unique("bcl-ops"), null, platformRoles: PlatformRoles.PlatformAdmin);
        using var operators = App.CreateRealBrowser();
        Assert.Equal(HttpStatusCode.OK, (await operators.ApiSignInAsync(admin.Username, TestAccounts.Password)).StatusCode);
        var log = await TestBrowser.JsonAsync(await operators.GetAsync("/api/v1/webhook-deliveries?clientId=portal-bcl-down"));
        var entry = Assert.Single(log.EnumerateArray());
        Assert.Equal(("backchannel.logout", "delivered", "portal-bcl-down", url),
            (entry.GetProperty("eventType").GetString(), entry.GetProperty("status").GetString(), entry.GetProperty("clientId").GetString(), entry.GetProperty("target").GetString()));
        Assert.Contains("ConnectionError", entry.GetProperty("attemptLog")[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, entry.GetProperty("attemptLog")[1].GetProperty("statusCode").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await operators.GetAsync("/api/v1/webhook-deliveries?clientId=" + new string('c', 101))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await operators.GetAsync("/api/v1/webhook-deliveries?clientId=a&clientId=b")).StatusCode);
    }

    [Fact]
    public async Task SignOutOtherSessions_PortalOfTheEndedSessionIsLoggedOut_TheKeptSessionsPortalIsNot()
    {
        await App.CreateMemberAsync("bcl-other", "bcl.otto");
        var port = TestProvider.FreePort();
        await using var receiver = await BackChannelReceiver.StartAsync(port, App.Issuer, "portal-bcl-other");
        var secret = await App.AddClientAsync("portal-bcl-other", ["bcl-other"], backChannelLogout: receiver.Url);
        using var laptop = App.CreateRealBrowser();
        using var desktop = App.CreateRealBrowser();
        var onLaptop = await SignInAsync(laptop, "portal-bcl-other", secret, "bcl.otto");
        var onDesktop = await SignInAsync(desktop, "portal-bcl-other", secret, "bcl.otto");

        // Act: from the desktop, "sign out other sessions".
        var sessions = await desktop.OpenFormAsync("/account/sessions", "main form[action$='handler=EndOthers']");
        using (var answer = await desktop.SubmitAsync(sessions))
        {
            Assert.True(answer.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, answer.StatusCode.ToString());
        }

        await RunDeliveriesAsync();

        var received = Assert.Single(await ReceivedAsync(receiver, 1));
        Assert.True(received["ok"]!.GetValue<bool>(), received.ToJsonString());
        Assert.Equal(onLaptop["claims"]!["sid"]!.GetValue<string>(), received["claims"]!["sid"]!.GetValue<string>());
        Assert.NotEqual(onDesktop["claims"]!["sid"]!.GetValue<string>(), onLaptop["claims"]!["sid"]!.GetValue<string>());
        Assert.Single(await DeliveriesAsync(), d => d.ClientId == "portal-bcl-other");
    }

    [Fact]
    public async Task AccountDisabledByPracticeAdministrator_PortalIsLoggedOut()
    {
        var member = await App.CreateMemberAsync("bcl-off", "bcl.odile");
        var admin = await App.CreateMemberAsync("bcl-off", "bcl.admin", roles: PracticeRoles.PracticeAdmin);
        var port = TestProvider.FreePort();
        await using var receiver = await BackChannelReceiver.StartAsync(port, App.Issuer, "portal-bcl-off");
        var secret = await App.AddClientAsync("portal-bcl-off", ["bcl-off"], backChannelLogout: receiver.Url);
        using var browser = App.CreateRealBrowser();
        var tokens = await SignInAsync(browser, "portal-bcl-off", secret, "bcl.odile");

        // Act: the practice's administrator disables the account (which ends its sessions).
        using var console = App.CreateRealBrowser();
        Assert.Equal(HttpStatusCode.OK, (await console.ApiSignInAsync(admin.Username, TestAccounts.Password)).StatusCode);
        var disabled = await console.PostJsonAsync($"/api/v1/organizations/bcl-off/members/{member.Id}/disable", new { version = member.Version });
        Assert.True(disabled.IsSuccessStatusCode, $"{(int)disabled.StatusCode} {await disabled.Content.ReadAsStringAsync()}");
        await RunDeliveriesAsync();

        var received = Assert.Single(await ReceivedAsync(receiver, 1));
        Assert.True(received["ok"]!.GetValue<bool>(), received.ToJsonString());
        Assert.Equal((tokens["claims"]!["sid"]!.GetValue<string>(), member.Id.ToString()),
            (received["claims"]!["sid"]!.GetValue<string>(), received["claims"]!["sub"]!.GetValue<string>()));
        Assert.Equal(WebhookDeliveryStatus.Delivered, Assert.Single(await DeliveriesAsync(), d => d.ClientId == "portal-bcl-off").Status);
    }

    /// <summary>The portal's sign-in through Signpost, to the tokens (openid-client checked them).</summary>
    private async Task<JsonObject> SignInAsync(TestBrowser browser, string clientId, string? secret, string username)
    {
        await using var rp = await RelyingParty.StartAsync();
        await rp.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId, clientSecret = secret });
        var authorize = await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid profile" });
        var callback = await OidcFixture.SignInThroughAsync(browser, authorize["url"]!.GetValue<string>(), username);
        return await rp.MustAsync(new { cmd = "callback", url = callback.ToString() });
    }

    private Task RunDeliveriesAsync() => App.Services.GetRequiredService<IncidentDeliveryJob>().RunOnceAsync(CancellationToken.None);

    private Task<List<WebhookDelivery>> DeliveriesAsync() =>
        App.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().ToListAsync());

    private async Task<List<WebhookAttempt>> AttemptsAsync(Guid deliveryId) =>
        (await App.WithDbAsync(db => db.WebhookAttempts.AsNoTracking().Where(a => a.DeliveryId == deliveryId).ToListAsync())).OrderBy(a => a.Number).ToList();

    /// <summary>What the receiver logged, once it holds <paramref name="count"/> requests (it answers before it logs).</summary>
    private static async Task<List<JsonObject>> ReceivedAsync(BackChannelReceiver receiver, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (receiver.Received.Count < count && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        return [.. receiver.Received];
    }
}
