using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Accounts;
using Signpost.Core.Sessions;
using Signpost.Web.Infrastructure;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sessions;

/// <summary>
/// Two nodes on one SQLite file, one clock: node A with the documented default session cache bound, node B with
/// the longest allowed, so the bound's edge shows on both.
/// </summary>
public sealed class TwoNodes : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public SignpostFactory A { get; }

    public SecondNode B { get; }

    public TwoNodes()
    {
        A = new SignpostFactory { Time = Time };
        B = new SecondNode(A) { Time = Time };
    }

    public async ValueTask InitializeAsync()
    {
        // A starts first and migrates the file; B opens it as a second node would.
        _ = A.Services;
        _ = B.Services;
        await Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }

    public sealed class SecondNode(SignpostFactory first) : SignpostFactory
    {
        public const int BoundSeconds = 60;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ConnectionStrings:Signpost", first.ConnectionString);
            builder.UseSetting("Signpost:SessionCacheSeconds", BoundSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}

/// <summary>
/// The session cache (docs/security.md, "How soon an ended session stops working"): whatever ends a session or
/// changes the account takes effect at once on the node where it happened, and on another node sharing the
/// database once that node's copy is as old as its bound, not before and not later; the idle and absolute
/// timeouts are as exact as without the cache.
/// </summary>
public sealed class SessionCacheTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    private static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan BBound = TimeSpan.FromSeconds(TwoNodes.SecondNode.BoundSeconds);
    private FakeTimeProvider Time => nodes.Time;

    [Fact]
    public async Task Bounds_AreTheDocumentedDefaultAndTheConfiguredSetting()
    {
        Assert.Equal(DefaultBound, await nodes.A.WithServicesAsync(s => Task.FromResult(s.GetRequiredService<SessionCache>().Bound)));
        Assert.Equal(BBound, await nodes.B.WithServicesAsync(s => Task.FromResult(s.GetRequiredService<SessionCache>().Bound)));
    }

    [Fact]
    public async Task SignOut_RefusesTheTokenAtOnceOnThisNode_AndOnTheOtherNodeAtItsBoundNotBefore()
    {
        // Arrange: signed in on A; both nodes have served the session, so both hold a copy read now.
        var (account, token) = await SignInOnAAsync("sian");
        using var onA = Browser(nodes.A, token);
        using var onB = Browser(nodes.B, token);
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(onA));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(onB));
        var emptiedOnB = await GenerationAsync(nodes.B);

        // Act: sign out on A through the API (which also drops the cookie of the browser that asked).
        using (var signingOut = Browser(nodes.A, token))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await signingOut.Http.PostAsync(new Uri("/api/v1/sign-out", UriKind.Relative), null)).StatusCode);
        }

        // Assert: A refuses the token at once; B uses its copy until it is as old as its bound, then refuses.
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(onA));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(onB));
        Time.Advance(BBound - TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(onB));
        Assert.Equal(emptiedOnB, await GenerationAsync(nodes.B)); // B's idle-clock refresh emptied nothing: the bound alone decides
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(onB));
        Assert.Equal("signed out", await RevokedReasonAsync(token));
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(onA));
        _ = account;
    }

    [Fact]
    public async Task SignOutOtherSessions_OnTheSessionsPage_RefusesTheOthersAtOnce()
    {
        // Arrange: two sessions of one person on A, both served (so both cached).
        var (account, kept) = await SignInOnAAsync("otto");
        var other = await SignInAsync(nodes.A, account.Username);
        using var keeper = Browser(nodes.A, kept);
        using var ended = Browser(nodes.A, other);
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(keeper));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(ended));

        // Act: "sign out my other sessions" on the page, the clock standing still.
        var form = await keeper.OpenFormAsync("/account/sessions", "form[action*='EndOthers']");
        Assert.Equal(HttpStatusCode.Redirect, (await keeper.SubmitAsync(form)).StatusCode);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(ended));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(keeper));
        Assert.Equal("signed out from another session", await RevokedReasonAsync(other));
    }

    [Fact]
    public async Task EndSessions_AsHelpDeskPasswordResetAndMfaResetDo_RefusesAtOnceHere_AndAtTheBoundOnTheOtherNode()
    {
        // Arrange
        var (account, token) = await SignInOnAAsync("enid");
        using var onA = Browser(nodes.A, token);
        using var onB = Browser(nodes.B, token);
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(onA));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(onB));

        var emptiedOnB = await GenerationAsync(nodes.B);

        // Act: what every "end this person's sessions" action calls on A (help desk, password reset or change, MFA reset, hold, disable).
        Time.Advance(TimeSpan.FromSeconds(1));
        var ended = await nodes.A.WithServicesAsync(s => s.GetRequiredService<SessionManager>().EndAllAsync(account.Id, null, "second factor reset by the help desk", CancellationToken.None));

        // Assert: one session ended; refused at once on A; on B at its bound counted from its read (1 s before the end), not before.
        Assert.Equal(1, ended);
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(onA));
        Time.Advance(BBound - TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(onB));
        Assert.Equal(emptiedOnB, await GenerationAsync(nodes.B));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(onB));
        Assert.Equal("second factor reset by the help desk", await RevokedReasonAsync(token));
    }

    [Fact]
    public async Task AccountDisabled_ByAnyWriteThroughThisNode_RefusesAtOnce_WithoutEndingTheSession()
    {
        // Arrange
        var (account, token) = await SignInOnAAsync("dora");
        using var onA = Browser(nodes.A, token);
        using var onB = Browser(nodes.B, token);
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(onA));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(onB));

        var emptiedOnB = await GenerationAsync(nodes.B);

        // Act: the account's status written on A by a bulk update (no session is ended: only the write watch can see it).
        await nodes.A.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, AccountStatus.Disabled)));

        // Assert: A refuses at once; B at its bound, not before; the session record itself is untouched.
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(onA));
        Time.Advance(BBound - TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(onB));
        Assert.Equal(emptiedOnB, await GenerationAsync(nodes.B));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(onB));
        Assert.Null(await RevokedReasonAsync(token));
    }

    [Fact]
    public async Task PlatformRoleRemoved_BySavedChangesOnThisNode_TakesEffectOnTheNextRequest()
    {
        // Arrange: a help-desk person with the support console open.
        var (account, token) = await SignInOnAAsync("hana", PlatformRoles.SupportAgent);
        using var onA = Browser(nodes.A, token);
        Assert.Equal(HttpStatusCode.OK, (await onA.GetAsync("/support")).StatusCode);

        // Act: the role removed by a tracked change saved on A.
        await nodes.A.WithDbAsync(async db =>
        {
            var stored = await db.Accounts.SingleAsync(a => a.Id == account.Id);
            stored.PlatformRoles = PlatformRoles.None;
            return await db.SaveChangesAsync();
        });

        // Assert: the console is closed to the very next request.
        Assert.Equal(HttpStatusCode.Forbidden, (await onA.GetAsync("/support")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(onA));
    }

    [Fact]
    public async Task SessionEndedInsideATransaction_ARequestBeforeTheCommitIsNotKeptPastIt()
    {
        // Arrange
        var (_, token) = await SignInOnAAsync("tara");
        using var onA = Browser(nodes.A, token);
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(onA));

        // Act: the session revoked inside a transaction; while it is open a request reads (and may keep) the old row.
        var during = await nodes.A.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var id = SessionManager.HashToken(token);
            await db.Sessions.Where(s => s.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.RevokedAt, Time.GetUtcNow()).SetProperty(x => x.RevokedReason, "ended in a transaction"));
            var status = await HomeAsync(onA);
            await transaction.CommitAsync();
            return status;
        });

        // Assert: before the commit the old row still counted; after it, refused at once.
        Assert.Equal(HttpStatusCode.OK, during);
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(onA));
    }

    [Fact]
    public async Task IdleTimeout_IsExactFromTheCopy_AndACopySayingEndedAsksTheStore()
    {
        // Arrange: a practice with a one-minute idle timeout; three sessions started now, all served by B at +29 s
        // (no idle-clock refresh yet), so B's copies say "last seen at the start".
        var slug = TestAccounts.Unique("idle");
        await nodes.A.CreateOrganizationAsync(slug, "Idle Clinic", p => p.SessionIdleMinutes = 1);
        var account = await nodes.A.CreateAccountAsync(TestAccounts.Unique("ida"), slug);
        var start = Time.GetUtcNow();
        var (early, late, elsewhere) = (await SignInAsync(nodes.A, account.Username), await SignInAsync(nodes.A, account.Username), await SignInAsync(nodes.A, account.Username));
        using var earlyOnB = Browser(nodes.B, early);
        using var lateOnB = Browser(nodes.B, late);
        using var elsewhereOnB = Browser(nodes.B, elsewhere);
        Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(earlyOnB));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(lateOnB));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(elsewhereOnB));

        // "elsewhere" is used on A at +45 s, which refreshes its idle clock in the store (B's copy does not know).
        Time.Advance(TimeSpan.FromSeconds(16));
        using (var elsewhereOnA = Browser(nodes.A, elsewhere))
        {
            Assert.Equal(HttpStatusCode.OK, await HomeAsync(elsewhereOnA));
        }

        // Act + Assert: a millisecond before the minute, alive; at the minute, ended; the copy that says ended
        // is checked against the store, which has the refresh from A.
        Time.Advance(start + TimeSpan.FromMinutes(1) - TimeSpan.FromMilliseconds(1) - Time.GetUtcNow());
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(earlyOnB));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(lateOnB));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(elsewhereOnB));
    }

    [Fact]
    public async Task AbsoluteTimeout_IsExactFromTheCopy()
    {
        // Arrange: a one-hour absolute timeout; B reads the session ten seconds before it.
        var slug = TestAccounts.Unique("absolute");
        await nodes.A.CreateOrganizationAsync(slug, "Hourly Clinic", p => { p.SessionAbsoluteHours = 1; p.SessionIdleMinutes = 60; });
        var account = await nodes.A.CreateAccountAsync(TestAccounts.Unique("abe"), slug);
        var token = await SignInAsync(nodes.A, account.Username);
        var expires = Time.GetUtcNow() + TimeSpan.FromHours(1);
        using var onB = Browser(nodes.B, token);
        Time.Advance(expires - TimeSpan.FromSeconds(10) - Time.GetUtcNow());
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(onB));

        // Act + Assert: B's copy is fresh throughout; it still refuses at the instant.
        Time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(onB));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(onB));
    }

    private async Task<(Account Account, string Token)> SignInOnAAsync(string name, PlatformRoles roles = PlatformRoles.None)
    {
        var slug = TestAccounts.Unique("cache");
        await nodes.A.CreateOrganizationAsync(slug, "Cache Clinic");
        var account = await nodes.A.CreateAccountAsync(TestAccounts.Unique(name), slug, platformRoles: roles);
        return (account, await SignInAsync(nodes.A, account.Username));
    }

    private static async Task<string> SignInAsync(SignpostFactory node, string username)
    {
        using var browser = node.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiSignInAsync(username, TestAccounts.Password)).StatusCode);
        return browser.Cookie(SessionAuthentication.CookieName)!;
    }

    private static TestBrowser Browser(SignpostFactory node, string token)
    {
        var browser = node.CreateBrowser();
        browser.Cookies.Add(TestBrowser.BaseUri, new Cookie(SessionAuthentication.CookieName, token));
        return browser;
    }

    /// <summary>The home page: 200 while signed in, a redirect to sign-in once the session no longer counts.</summary>
    private static async Task<HttpStatusCode> HomeAsync(TestBrowser browser)
    {
        var response = await browser.GetAsync("/");
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            Assert.StartsWith("/sign-in", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        return response.StatusCode;
    }

    /// <summary>How often <paramref name="node"/>'s cache was emptied: unchanged means a refusal there came from the bound alone.</summary>
    private static Task<long> GenerationAsync(SignpostFactory node) =>
        node.WithServicesAsync(s => Task.FromResult(s.GetRequiredService<SessionCache>().Generation));

    private Task<string?> RevokedReasonAsync(string token) =>
        nodes.A.WithDbAsync(db => db.Sessions.AsNoTracking().Where(s => s.Id == SessionManager.HashToken(token)).Select(s => s.RevokedReason).SingleAsync());
}
