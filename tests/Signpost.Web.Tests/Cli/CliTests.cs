using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Lockout;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Cli;

/// <summary>
/// The <c>signpost</c> command line, run against the database of a running app, so each command's effect is
/// checked where it matters: in the data and in what the app then does. Commands run in process through the
/// executable's own entry (<see cref="SignpostCommand"/>); the one test about the process environment runs the
/// real executable (<see cref="SignpostProcess"/>).
/// </summary>
public sealed partial class CliTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    /// <summary>Runs the command on the app's database, started (and so migrated) first: a test may be the class's first.</summary>
    private Task<CliRun> RunAsync(params string[] args)
    {
        _ = app.Server;
        return SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, args);
    }

    [Fact]
    public async Task Migrate_FreshDatabase_CreatesSchemaAndExitsZero()
    {
        // Arrange
        var path = Path.Combine(app.Folder, $"fresh-{Guid.NewGuid():N}.db");

        // Act
        var run = await SignpostCommand.RunAsync($"Data Source={path}", app.Folder, null, "migrate");

        // Assert
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("Database is up to date.", run.Stdout.Trim());
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('Accounts', 'Organizations', 'SignInEvents', 'LockoutCounters', 'Sessions')";
        Assert.Equal(5L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Migrate_ConnectionStringOnTheCommandLine_WinsOverTheEnvironment()
    {
        // Arrange: the environment names the app's database; the argument names another file. A child process, so
        // that the connection string really is in the environment (an in-process run passes it as an argument).
        var path = Path.Combine(app.Folder, $"argument-{Guid.NewGuid():N}.db");
        _ = app.Server;

        // Act
        var run = await SignpostProcess.RunAsync(app.ConnectionString, app.Folder, null, "migrate", $"--ConnectionStrings:Signpost=Data Source={path}");

        // Assert: the file named on the command line is the one migrated.
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(path), $"{path} was not created: the command line was ignored.");
    }

    [Fact]
    public async Task OrgsCreate_NewSlugThenSameSlug_CreatesOnceThenExitsOneWithOneLine()
    {
        // Arrange
        var slug = TestAccounts.Unique("elm");

        // Act
        var created = await RunAsync("orgs", "create", "--slug", slug, "--name", "Elm Street Clinic", "--tin", "123456789", "--time-zone", "America/Denver");
        var duplicate = await RunAsync("orgs", "create", "--slug", slug, "--name", "Another Clinic");

        // Assert
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal($"Created Elm Street Clinic: sign-in page http://localhost:5080/o/{slug}", created.Stdout.Trim());
        var organization = await app.WithDbAsync(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Slug == slug));
        Assert.Equal("Elm Street Clinic", organization.Name);
        Assert.Equal("123456789", organization.TaxId);
        Assert.Equal("America/Denver", organization.TimeZone);

        Assert.Equal(1, duplicate.ExitCode);
        Assert.Equal([$"signpost: An organization with slug '{slug}' already exists."], duplicate.StderrLines);
        Assert.Equal("", duplicate.Stdout.Trim());
        Assert.Equal(1, await app.WithDbAsync(db => db.Organizations.CountAsync(o => o.Slug == slug)));
    }

    [Fact]
    public async Task UsersCreate_PasswordOnStdin_CreatesActiveAccountThatSignsIn()
    {
        // Arrange
        var slug = TestAccounts.Unique("birch");
        await app.CreateOrganizationAsync(slug, "Birch Lane Clinic");
        var username = TestAccounts.Unique("wes");

        // Act
        var run = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, TestAccounts.Password,
            "users", "create", "--org", slug, "--username", username, "--email", $"{username}@birch.example", "--npi", "1245319599", "--role", "Staff,Provider", "--password-stdin");

        // Assert
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"Created {username} (active).", run.Stdout.Trim());
        var account = await app.WithDbAsync(db => db.Accounts.AsNoTracking().Include(a => a.Memberships).SingleAsync(a => a.Username == username));
        Assert.Equal(AccountStatus.Active, account.Status);
        Assert.Equal("1245319599", account.Npi);
        Assert.Equal(PracticeRoles.Staff | PracticeRoles.Provider, Assert.Single(account.Memberships).Roles);
        using var client = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await client.ApiSignInAsync(username, TestAccounts.Password)).StatusCode);
    }

    [Fact]
    public async Task UsersCreate_WithoutPassword_PrintsActivationLinkThatOpens()
    {
        // Arrange
        var slug = TestAccounts.Unique("cedar");
        await app.CreateOrganizationAsync(slug, "Cedar Grove Clinic");
        var username = TestAccounts.Unique("xia");

        // Act
        var run = await RunAsync("users", "create", "--org", slug, "--username", username, "--email", $"{username}@cedar.example");

        // Assert
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith($"Created {username} (pending activation).", run.Stdout, StringComparison.Ordinal);
        var link = ActivationLink().Match(run.Stdout);
        Assert.True(link.Success, run.Stdout);
        var account = await app.WithDbAsync(db => db.Accounts.AsNoTracking().SingleAsync(a => a.Username == username));
        Assert.Equal(AccountStatus.PendingActivation, account.Status);
        Assert.Null(account.PasswordHash);

        using var browser = app.CreateBrowser();
        var (page, document) = await browser.GetPageAsync($"/activate?token={link.Groups["token"].Value}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(username, document.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(document.QuerySelector("input[name=newPassword]"));
    }

    [Fact]
    public async Task UsersCreate_InvalidNpi_ExitsOneAndCreatesNothing()
    {
        var slug = TestAccounts.Unique("dogwood");
        await app.CreateOrganizationAsync(slug, "Dogwood Clinic");
        var username = TestAccounts.Unique("yan");

        var run = await RunAsync("users", "create", "--org", slug, "--username", username, "--email", $"{username}@dogwood.example", "--npi", "1245319590");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["signpost: '1245319590' is not a valid NPI: ten digits with a correct check digit."], run.StderrLines);
        Assert.False(await app.WithDbAsync(db => db.Accounts.AnyAsync(a => a.Username == username)));
    }

    [Fact]
    public async Task EventsShowThenUsersUnlock_LockedAccount_ShowsExactReasonThenLetsUserIn()
    {
        // Arrange: a locked account tried with its right password; the person saw "not recognised".
        var slug = TestAccounts.Unique("elder");
        await app.CreateOrganizationAsync(slug, "Elder Road Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("zoe"), slug);
        await app.WithServicesAsync(async services =>
        {
            await services.GetRequiredService<ILockoutStore>().LockAsync(account.Id, LockoutCounter.UntrustedKey, 10, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
            return 0;
        });
        using var client = app.CreateBrowser();
        var attempt = await client.ApiSignInAsync(account.Username, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
        var traceId = attempt.Headers.GetValues("X-Trace-Id").Single();

        // Act 1: support reads the trace ID the person read out.
        var shown = await RunAsync("events", "show", traceId.ToUpperInvariant());

        // Assert 1
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains($"reason:      {ReasonCodes.AccountLocked} — Account locked", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains($"user saw:    {ReasonCodes.InvalidCredentials}", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("password was correct", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains($"account: {account.Id}", shown.Stdout, StringComparison.Ordinal);

        // Act 2: and unlocks the account.
        var unlocked = await RunAsync("users", "unlock", account.Username);

        // Assert 2
        Assert.True(unlocked.ExitCode == 0, unlocked.ToString());
        Assert.Equal($"Unlocked {account.Username} (1 lock(s) cleared).", unlocked.Stdout.Trim());
        Assert.False(await app.WithDbAsync(db => db.LockoutCounters.AnyAsync(c => c.AccountId == account.Id)));
        Assert.Equal(HttpStatusCode.OK, (await client.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
    }

    [Fact]
    public async Task EventsShow_MalformedTraceId_ExitsOneWithOneLine()
    {
        var run = await RunAsync("events", "show", "not-a-trace-id");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["signpost: A trace ID is 32 hexadecimal characters, as shown on the failure page."], run.StderrLines);
    }

    [GeneratedRegex(@"https?://\S+/activate\?token=(?<token>[A-Za-z0-9_\-%]+)")]
    private static partial Regex ActivationLink();
}
