using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Audit;
using Signpost.Core.Events;
using Signpost.Core.Mfa;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Web.Sso;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso;

/// <summary>One app and one real provider (npm's oidc-provider) for the second factor after single sign-on.</summary>
public sealed class SsoSecondFactorFixture : IAsyncLifetime
{
    public static readonly string[] Slugs = ["ssomfa-asks", "ssomfa-trusts", "ssomfa-none"];

    public SsoApp App { get; } = new();

    public TestProvider Provider { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Provider = await TestProvider.StartRealAsync(Slugs.Select(SsoApp.CallbackFor).ToArray());
        _ = App.Server;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

/// <summary>
/// A practice that asks Signpost for its second factor after its provider (docs/mfa.md, "After single sign-on"):
/// the provider's success leads to the same challenge as a proven password, and the session starts only after it.
/// </summary>
public sealed class SsoSecondFactorTests(SsoSecondFactorFixture fixture) : IClassFixture<SsoSecondFactorFixture>
{
    private SsoApp App => fixture.App;

    [Fact]
    public async Task SignIn_PracticeAsksForTheSecondFactor_ChallengesAfterTheProvider_ThenStartsTheSession()
    {
        // Arrange: everyone must use a second factor; the connection asks Signpost for it; the member has one
        var (connection, member, codes) = await PracticeAsync("ssomfa-asks", askSecondFactor: true, enrol: true);
        using var browser = App.CreateBrowser();

        // Act: the provider signs the person in
        var callback = await SsoApp.AtProviderAsync(await SsoApp.StartAsync(browser, "ssomfa-asks"), member.Email);
        using var afterProvider = await SsoApp.CallbackAsync(browser, callback);

        // Assert: no session yet, the challenge instead, recorded as mfa_required on the connection
        Assert.StartsWith("/sign-in/verify", afterProvider.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Null(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
        Assert.NotNull(browser.Cookie(Signpost.Web.Mfa.SecondFactorChallengeTokens.CookieName));
        var asked = await App.EventOfAsync(afterProvider);
        Assert.Equal((SignInMethod.Sso, ReasonCodes.MfaRequired, member.Id, connection.Id.ToString()), (asked.Method, asked.ReasonCode, asked.AccountId, asked.SsoConnectionId));
        Assert.Contains("requires it (everyone)", asked.Detail, StringComparison.Ordinal);
        Assert.False(await App.WithDbAsync(db => db.Sessions.AnyAsync(s => s.AccountId == member.Id)));

        // Act: a wrong code, then a recovery code
        using var wrong = await Verify(browser, "000000");
        using var verified = await Verify(browser, codes[0]);

        // Assert: the wrong code is counted and refused; the recovery code starts the session, recorded as a single sign-on
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Equal("/", verified.Headers.Location!.OriginalString);
        Assert.NotNull(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
        var events = await App.WithDbAsync(db => db.SignInEvents.AsNoTracking().Where(e => e.AccountId == member.Id).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([ReasonCodes.MfaRequired, ReasonCodes.MfaCodeInvalid, ReasonCodes.SignedIn], events.Select(e => e.ReasonCode));
        Assert.All(events, e => Assert.Equal(SignInMethod.Sso, e.Method));
        Assert.Contains($"Challenge of attempt {asked.TraceId}", events[2].Detail, StringComparison.Ordinal);
        Assert.True(await App.WithDbAsync(db => db.Sessions.AnyAsync(s => s.AccountId == member.Id && s.TraceId == events[2].TraceId)));
    }

    [Fact]
    public async Task SignIn_ConnectionTrustsTheProvider_StartsTheSessionWithoutAChallenge()
    {
        // Arrange: the same policy and an enrolled member, but the connection does not ask (the default)
        var (_, member, _) = await PracticeAsync("ssomfa-trusts", askSecondFactor: false, enrol: true);
        using var browser = App.CreateBrowser();

        // Act
        var callback = await SsoApp.AtProviderAsync(await SsoApp.StartAsync(browser, "ssomfa-trusts"), member.Email);
        using var response = await SsoApp.CallbackAsync(browser, callback);

        // Assert
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        Assert.Equal(ReasonCodes.SignedIn, (await App.EventOfAsync(response)).ReasonCode);
    }

    [Fact]
    public async Task SignIn_PracticeAsksButThePersonHasNoFactor_IsSignedInAndLedToEnrolWithinGrace()
    {
        // Arrange
        var (_, member, _) = await PracticeAsync("ssomfa-none", askSecondFactor: true, enrol: false);
        using var browser = App.CreateBrowser();

        // Act
        var callback = await SsoApp.AtProviderAsync(await SsoApp.StartAsync(browser, "ssomfa-none"), member.Email);
        using var response = await SsoApp.CallbackAsync(browser, callback);

        // Assert: as after a password: signed in and led to enrol, the event says until when
        Assert.Equal("/?notice=mfa", response.Headers.Location!.OriginalString);
        var recorded = await App.EventOfAsync(response);
        Assert.Equal(ReasonCodes.SignedIn, recorded.ReasonCode);
        Assert.Contains("within grace", recorded.Detail, StringComparison.Ordinal);
    }

    private async Task<(Core.SingleSignOn.SsoConnection Connection, Core.Accounts.Account Member, IReadOnlyList<string> RecoveryCodes)> PracticeAsync(
        string slug, bool askSecondFactor, bool enrol)
    {
        await App.CreateOrganizationAsync(slug, $"Practice {slug}", p => p.SecondFactor = SecondFactorPolicy.RequiredForEveryone);
        var connection = await App.WithServicesAsync(services => services.GetRequiredService<SsoConnectionManager>().SaveAsync(slug,
            new SsoConnectionRequest(fixture.Provider.DiscoveryUrl, TestProvider.ClientId, TestProvider.ClientSecret, AskSecondFactor: askSecondFactor),
            CancellationToken.None).Done());
        var member = await App.CreateMemberAsync(slug, $"dana@{slug}.example");
        IReadOnlyList<string> codes = [];
        if (enrol)
        {
            // A passkey is a second factor like an authenticator; its first one brings the recovery codes.
            codes = await App.WithServicesAsync(async services => (await services.GetRequiredService<SecondFactorEnrolment>().AddPasskeyAsync(new Passkey
            {
                AccountId = member.Id,
                Name = "YubiKey",
                CredentialId = Guid.NewGuid().ToByteArray(),
                PublicKey = [1, 2, 3],
                CreatedAt = DateTimeOffset.UtcNow,
            }, AuditActor.Account(member.Id, member.Username, null, null), CancellationToken.None)).RecoveryCodes);
            Assert.Equal(10, codes.Count);
        }

        return (connection, member, codes);
    }

    private static async Task<HttpResponseMessage> Verify(TestBrowser browser, string code)
    {
        var form = await browser.OpenFormAsync("/sign-in/verify", "main form[method=post]:not([data-passkey])");
        return await browser.SubmitAsync(form, [new("code", code), new("remember", "")]);
    }
}
