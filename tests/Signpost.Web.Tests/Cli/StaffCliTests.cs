using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Cli;

/// <summary>
/// <c>signpost staff grant|revoke|list</c> against the database of a running app: the role is what the app
/// then honours, and every change is in the audit trail with the command line as the actor.
/// </summary>
public sealed partial class StaffCliTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    private const string UnknownTrace = "0123456789abcdef0123456789abcdef";

    private Task<CliRun> RunAsync(params string[] args) => SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, args);

    [Fact]
    public async Task GrantThenRevoke_ExistingAccount_ChangesWhatTheAppAllowsAndAuditsBoth()
    {
        // Arrange: a practice member, who may not read sign-in events.
        var slug = TestAccounts.Unique("staffcli");
        await app.CreateOrganizationAsync(slug, "Staff CLI Practice");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("sam"), slug);
        Assert.Equal(HttpStatusCode.Forbidden, await EventsApiStatusAsync(account.Username));

        // Act 1: grant by email, then grant again.
        var granted = await RunAsync("staff", "grant", account.Email.ToUpperInvariant(), "--role", "SupportAgent");
        var again = await RunAsync("staff", "grant", account.Username, "--role", "SupportAgent");

        // Assert 1: support's lookup now answers (404 for a trace nobody has), one audit entry, by the CLI.
        Assert.True(granted.ExitCode == 0, granted.ToString());
        Assert.Equal($"Granted SupportAgent to {account.Username}; roles now SupportAgent.", granted.Stdout.Trim());
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal($"{account.Username} already holds SupportAgent; nothing changed.", again.Stdout.Trim());
        Assert.Equal(PlatformRoles.SupportAgent, await RolesAsync(account.Id));
        Assert.Equal(HttpStatusCode.NotFound, await EventsApiStatusAsync(account.Username));
        var grant = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "platform.grant" && e.TargetId == account.Id.ToString()));
        Assert.StartsWith("cli:", grant.Actor, StringComparison.Ordinal);
        Assert.Contains("SupportAgent", grant.After, StringComparison.Ordinal);

        // Act 2
        var listed = await RunAsync("staff", "list");
        var revoked = await RunAsync("staff", "revoke", account.Username, "--role", "SupportAgent");

        // Assert 2
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains($"{account.Username}\t{account.Email}\tSupportAgent\tActive", listed.Stdout, StringComparison.Ordinal);
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Equal($"Revoked SupportAgent from {account.Username}; roles now None.", revoked.Stdout.Trim());
        Assert.Equal(PlatformRoles.None, await RolesAsync(account.Id));
        Assert.Equal(HttpStatusCode.Forbidden, await EventsApiStatusAsync(account.Username));
        var revoke = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "platform.revoke" && e.TargetId == account.Id.ToString()));
        Assert.StartsWith("cli:", revoke.Actor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grant_NewPersonWithEmail_CreatesPendingAdminWithActivationLinkAndAudits()
    {
        // Arrange: nobody has this username yet.
        var username = TestAccounts.Unique("ops");

        // Act
        var run = await RunAsync("staff", "grant", username, "--role", "PlatformAdmin", "--email", $"{username}@payer.example", "--name", "Olive Ops");

        // Assert: pending, no password, the role held, the link opens the activation page.
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith($"Created {username} (PlatformAdmin, pending activation).", run.Stdout, StringComparison.Ordinal);
        var account = await app.WithDbAsync(db => db.Accounts.AsNoTracking().SingleAsync(a => a.Username == username));
        Assert.Equal(AccountStatus.PendingActivation, account.Status);
        Assert.Null(account.PasswordHash);
        Assert.Equal(PlatformRoles.PlatformAdmin, account.PlatformRoles);
        Assert.Equal("Olive Ops", account.DisplayName);
        var created = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "account.create" && e.TargetId == account.Id.ToString()));
        Assert.StartsWith("cli:", created.Actor, StringComparison.Ordinal);
        Assert.Contains("PlatformAdmin", created.After, StringComparison.Ordinal);

        var link = ActivationLink().Match(run.Stdout);
        Assert.True(link.Success, run.Stdout);
        using var browser = app.CreateBrowser();
        var (page, document) = await browser.GetPageAsync($"/activate?token={link.Groups["token"].Value}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.NotNull(document.QuerySelector("input[name=newPassword]"));
    }

    [Fact]
    public async Task Grant_UnknownAccountWithoutEmail_RefusedWithExitOneAndCreatesNothing()
    {
        var username = TestAccounts.Unique("nobody");

        var run = await RunAsync("staff", "grant", username, "--role", "SupportAgent");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"signpost: No account has the username or email '{username}'; add --email to create it."], run.StderrLines);
        Assert.False(await app.WithDbAsync(db => db.Accounts.AnyAsync(a => a.Username == username)));
    }

    [Fact]
    public async Task Revoke_LastActivePlatformAdmin_RefusedWithExitOne_ThenAllowedOnceAnotherHoldsIt()
    {
        // Arrange: exactly one active platform admin in this database (after the host's own first-run check, which adds a
        // pending admin and its audit entry beside the host's start).
        await app.FirstRunCheckedAsync();
        var last = await app.CreateAccountAsync(TestAccounts.Unique("last"), null, platformRoles: PlatformRoles.PlatformAdmin);
        await app.WithDbAsync(db => db.Accounts
            .Where(a => a.Id != last.Id && (a.PlatformRoles & PlatformRoles.PlatformAdmin) != 0 && a.Status == AccountStatus.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.PlatformRoles, PlatformRoles.SupportAgent)));
        var auditedBefore = await app.WithDbAsync(db => db.AuditEntries.CountAsync());

        // Act 1
        var refused = await RunAsync("staff", "revoke", last.Username, "--role", "PlatformAdmin");

        // Assert 1: refused, unchanged, nothing audited.
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal([$"signpost: {last.Username} is the last active platform admin; grant the role to someone else first."], refused.StderrLines);
        Assert.Equal(PlatformRoles.PlatformAdmin, await RolesAsync(last.Id));
        Assert.Equal(auditedBefore, await app.WithDbAsync(db => db.AuditEntries.CountAsync()));

        // Act 2: a second admin, then the revoke goes through.
        var next = await app.CreateAccountAsync(TestAccounts.Unique("next"), null);
        var granted = await RunAsync("staff", "grant", next.Username, "--role", "PlatformAdmin");
        var revoked = await RunAsync("staff", "revoke", last.Username, "--role", "PlatformAdmin");

        // Assert 2
        Assert.True(granted.ExitCode == 0, granted.ToString());
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Equal(PlatformRoles.None, await RolesAsync(last.Id));
        Assert.Equal(PlatformRoles.PlatformAdmin, await RolesAsync(next.Id));
    }

    private Task<PlatformRoles> RolesAsync(Guid id) =>
        app.WithDbAsync(db => db.Accounts.AsNoTracking().Where(a => a.Id == id).Select(a => a.PlatformRoles).SingleAsync());

    private async Task<HttpStatusCode> EventsApiStatusAsync(string username)
    {
        using var browser = app.CreateBrowser();
        var signedIn = await browser.ApiSignInAsync(username, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        return (await browser.GetAsync($"/api/v1/events/{UnknownTrace}")).StatusCode;
    }

    [GeneratedRegex(@"https?://\S+/activate\?token=(?<token>[A-Za-z0-9_\-%]+)")]
    private static partial Regex ActivationLink();
}
