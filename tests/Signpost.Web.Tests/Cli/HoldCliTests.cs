using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Cli;

/// <summary><c>signpost users hold|release</c> against the database of a running app: the same hold the support console sets.</summary>
public sealed class HoldCliTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    private Task<CliRun> RunAsync(params string[] args) => SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, args);

    [Fact]
    public async Task UsersHoldThenRelease_HoldsAuditsRefusesSignInThenLetsItIn()
    {
        // Arrange: a member of a practice (an account with no practice could not sign in after release either).
        var slug = TestAccounts.Unique("cliholdorg");
        await app.CreateOrganizationAsync(slug, "CLI Hold Practice");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("clihold"), slug);

        // Act 1: hold, then hold again.
        var held = await RunAsync("users", "hold", account.Username, "--reason", "Password seen in a breach corpus.");
        var again = await RunAsync("users", "hold", account.Username, "--reason", "again");
        using var browser = app.CreateBrowser();
        var refused = await TestBrowser.JsonAsync(await browser.ApiSignInAsync(account.Username, TestAccounts.Password));

        // Assert 1
        Assert.True(held.ExitCode == 0, held.ToString());
        Assert.StartsWith($"Held {account.Username} for review", held.Stdout.Trim(), StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal([$"signpost: {account.Username} is already held for review."], again.StderrLines);
        Assert.Equal(ReasonCodes.AccountFlagged, refused.GetProperty("code").GetString());
        var entry = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == AccountHold.HoldAction && e.TargetId == account.Id.ToString()));
        Assert.StartsWith("cli:", entry.Actor, StringComparison.Ordinal);
        Assert.Contains("Password seen in a breach corpus.", entry.After, StringComparison.Ordinal);

        // Act 2
        var released = await RunAsync("users", "release", account.Username, "--reason", "Verified; new password set.");
        using var later = app.CreateBrowser();

        // Assert 2
        Assert.True(released.ExitCode == 0, released.ToString());
        Assert.Equal(HttpStatusCode.OK, (await later.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
    }

    [Fact]
    public async Task UsersHold_WithoutReason_RefusedAndNotHeld()
    {
        var account = await app.CreateAccountAsync(TestAccounts.Unique("clinoreason"), null);

        var run = await RunAsync("users", "hold", account.Username);

        Assert.NotEqual(0, run.ExitCode);
        Assert.False(await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.Flagged).SingleAsync()));
    }
}
