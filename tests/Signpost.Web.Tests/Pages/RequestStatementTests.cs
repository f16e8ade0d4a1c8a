using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Lockout;
using Signpost.Core.Sessions;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Pages;

/// <summary>
/// What a signed-in page and a sign-in ask the database (docs/capacity.md, "A signed-in page" and "Sign-ins per
/// core"): the home page reads the session, then the account with its memberships once — the page and the
/// maintenance banner take the account the authentication read — and the maintenance windows come from the node's
/// copy, not a query per request, so a visit whose session the node holds runs no statement at all; a successful
/// sign-in writes its session and its event in one transaction, costs a clean lockout counter two single-row updates
/// (the check's place taken and given back), and clears a counter only when it holds failures. Counted from EF Core's
/// own command events for this host's database file.
/// </summary>
public sealed class RequestStatementTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task HomePage_ReadsTheAccountOnce_AndNoMaintenanceWindows()
    {
        // Arrange: a signed-in member; a first visit fills the node's copy of the maintenance windows.
        var slug = TestAccounts.Unique("queries");
        await app.CreateOrganizationAsync(slug, "Query Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("reader"), slug);
        using var browser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        // Act: a visit that finds no copy of the session (emptied as a change on this node would), then one right after it.
        await app.WithServicesAsync(s =>
        {
            s.GetRequiredService<SessionCache>().Invalidate();
            return Task.FromResult(0);
        });
        using var commands = new CommandLog(app.DatabasePath);
        var home = await browser.GetAsync("/");
        var first = commands.Statements;
        using var again = new CommandLog(app.DatabasePath);
        var second = await browser.GetAsync("/");

        // Assert: the page is the member's, and was made from one account read.
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Query Clinic", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var statements = first;
        // One account read is two statements (split query): the account, then its memberships joined to it.
        var accountReads = statements.Count(s => s.Contains("FROM \"Accounts\"", StringComparison.Ordinal) && !s.Contains("\"Memberships\"", StringComparison.Ordinal));
        Assert.True(accountReads == 1, $"Expected one account read, found {accountReads}:\n{commands.Describe()}");
        Assert.DoesNotContain(statements, s => s.Contains("\"MaintenanceWindows\"", StringComparison.Ordinal));

        // The visit right after it takes the session and the account from the node's copy (docs/security.md,
        // "How soon an ended session stops working") and the windows from the maintenance copy: it asks the database
        // nothing at all (docs/capacity.md, "A signed-in page").
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("Query Clinic", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(again.Statements, s => s.Contains("FROM \"Accounts\"", StringComparison.Ordinal) || s.Contains("FROM \"Sessions\"", StringComparison.Ordinal));
        Assert.True(again.Statements.Count == 0, $"Expected no statements on a cached visit, found:\n{again.Describe()}");
    }

    [Fact]
    public async Task SignIn_WritesSessionAndEventInOneTransaction_AndSpendsTwoUpdatesOnACleanCounter()
    {
        // Arrange: a member who signed in once and never typed a wrong password: the first check left the key's
        // counter row with nothing counted and nothing in flight (docs/security.md, "Exact counting").
        var slug = TestAccounts.Unique("writes");
        await app.CreateOrganizationAsync(slug, "Write Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("writer"), slug);
        using (var first = app.CreateBrowser())
        {
            Assert.Equal(HttpStatusCode.OK, (await first.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
        }

        Assert.Equal((0, 0), await CleanCounterAsync(account.Id));
        using var browser = app.CreateBrowser();

        // Act
        using var commands = new CommandLog(app.DatabasePath);
        var answer = await browser.ApiSignInAsync(account.Username, TestAccounts.Password);

        // Assert: signed in; the session and the event were inserted in the same transaction, and the lockout
        // counter cost exactly the check's two single-row updates: its place taken before the hash, given back after.
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var logged = commands.Commands;
        var session = Assert.Single(logged, c => c.Text.Contains("INSERT INTO \"Sessions\"", StringComparison.Ordinal));
        var signInEvent = Assert.Single(logged, c => c.Text.Contains("INSERT INTO \"SignInEvents\"", StringComparison.Ordinal));
        Assert.True(session.Transaction is not null && ReferenceEquals(session.Transaction, signInEvent.Transaction),
            $"The session and the event were not written in one transaction:\n{commands.Describe()}");
        var counterStatements = logged.Where(c => c.Text.Contains("\"LockoutCounters\"", StringComparison.Ordinal)).ToList();
        Assert.True(counterStatements.Count == 2, $"Expected two counter statements:\n{commands.Describe()}");
        Assert.All(counterStatements, update => Assert.StartsWith("UPDATE", update.Text.TrimStart(), StringComparison.Ordinal));
        Assert.Equal((0, 0), await CleanCounterAsync(account.Id));

        // And both are there, the event naming the account and the session the trace that started it.
        var traceId = answer.Headers.GetValues("X-Trace-Id").Single();
        var persisted = await app.WithDbAsync(async db => (
            Session: await db.Sessions.AsNoTracking().SingleAsync(s => s.AccountId == account.Id && s.TraceId == traceId),
            Event: await db.SignInEvents.AsNoTracking().SingleAsync(e => e.AccountId == account.Id && e.TraceId == traceId)));
        Assert.Equal("signed_in", persisted.Event.ReasonCode);
    }

    [Fact]
    public async Task SignIn_AfterAWrongPassword_ClearsTheCounterItFound()
    {
        // Arrange: one wrong password leaves a counter for untrusted browsers.
        var slug = TestAccounts.Unique("clears");
        await app.CreateOrganizationAsync(slug, "Clear Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("clearer"), slug);
        using var browser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiSignInAsync(account.Username, TestAccounts.WrongPassword)).StatusCode);
        Assert.Equal(1, await CounterAsync(account.Id));

        // Act
        using var commands = new CommandLog(app.DatabasePath);
        var answer = await browser.ApiSignInAsync(account.Username, TestAccounts.Password);

        // Assert: the success deleted the counter it read.
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains(commands.Statements, s => s.TrimStart().StartsWith("DELETE", StringComparison.Ordinal) && s.Contains("\"LockoutCounters\"", StringComparison.Ordinal));
        Assert.Null(await CounterAsync(account.Id));
    }

    private Task<(int Failures, int InFlight)> CleanCounterAsync(Guid accountId) =>
        app.WithDbAsync(db => db.LockoutCounters.AsNoTracking()
            .Where(c => c.AccountId == accountId && c.DeviceKey == LockoutCounter.UntrustedKey)
            .Select(c => new ValueTuple<int, int>(c.FailureCount, c.InFlight)).SingleAsync());

    private Task<int?> CounterAsync(Guid accountId) =>
        app.WithDbAsync(db => db.LockoutCounters.AsNoTracking()
            .Where(c => c.AccountId == accountId && c.DeviceKey == LockoutCounter.UntrustedKey)
            .Select(c => (int?)c.FailureCount).SingleOrDefaultAsync());
}
