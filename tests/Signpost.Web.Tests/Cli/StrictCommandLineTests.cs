using Microsoft.Data.Sqlite;

namespace Signpost.Web.Tests.Cli;

/// <summary>
/// The command line is strict (docs/cli.md): a typo or an unknown option is exit code 2 with one line and
/// starts nothing; only <c>--Section:Key=value</c> reaches configuration; commands that only read never
/// migrate and never create a database (exit code 3). Each run is on a database file in an empty folder, so
/// "nothing was created" is checked on the disk. Commands run in process through the executable's own entry
/// (<see cref="SignpostCommand"/>); the typo test runs the real executable, so that exit code 2 is seen
/// reaching the shell.
/// </summary>
public sealed class StrictCommandLineTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("signpost-strict-").FullName;

    private string DatabasePath => Path.Combine(_folder, "signpost.db");

    private Task<CliRun> RunAsync(params string[] args) => SignpostCommand.RunAsync($"Data Source={DatabasePath}", _folder, null, args);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Typo_Migarte_ExitsTwoSuggestsMigrateAndCreatesNoDatabase()
    {
        var run = await SignpostProcess.RunAsync($"Data Source={DatabasePath}", _folder, null, "migarte");

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.Equal("signpost: unknown command 'migarte'. Did you mean migrate? See 'signpost --help'.", line);
        Assert.Equal("", run.Stdout);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Theory]
    [InlineData("signpost: unknown option '--jsno' for 'signpost events show'. Did you mean --json?", "events", "show", "--jsno", "4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("signpost: unknown option '--force' for 'signpost migrate'.", "migrate", "--force")]
    [InlineData("signpost: unknown option '--Signpost:PublicBaseUrl' for 'signpost serve'.", "serve", "--Signpost:PublicBaseUrl", "https://signin.example")]
    [InlineData("signpost: unknown option '--dmeo' for 'signpost'. Did you mean --demo?", "--dmeo")]
    public async Task UnknownOption_ExitsTwoWithOneLineAndStartsNothing(string expected, params string[] args)
    {
        var run = await RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.Contains("Settings are written --Section:Key=value.", line, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Theory]
    [InlineData("signpost: signpost orgs create: Option '--name' is required.", "orgs", "create", "--slug", "elm")]
    [InlineData("signpost: signpost staff grant: Argument 'Janitor' not recognized. Must be one of: 'SupportAgent' 'PlatformAdmin'.", "staff", "grant", "sam", "--role", "Janitor")]
    [InlineData("signpost: unknown command 'shwo'. Did you mean show? See 'signpost events --help'.", "events", "shwo")]
    [InlineData("signpost: signpost events: Required command was not provided.", "events")]
    public async Task BadUsage_ExitsTwoWithOneLine(string expected, params string[] args)
    {
        var run = await RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith(expected, Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("serve")]
    [InlineData("staff", "list")]
    public async Task UnknownDatabaseProvider_ExitsTwoNamingTheSetting(params string[] args)
    {
        var run = await RunAsync([.. args, "--Signpost:Database:Provider=Oracle"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(["signpost: configuration: Signpost:Database:Provider is 'Oracle': use Sqlite or PostgreSQL."], run.StderrLines);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public async Task PublicBaseUrlNotAnAddress_ServeExitsTwoNamingTheSetting()
    {
        // It is the OpenID Connect provider's issuer: an address that does not parse is said in one line, never a stack trace.
        var run = await RunAsync(["serve", "--Signpost:PublicBaseUrl=http://portal example:5080"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(["signpost: configuration: Signpost:PublicBaseUrl 'http://portal example:5080' is not an absolute http(s) address; it is the OpenID Connect provider's issuer."], run.StderrLines);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public async Task SettingRefusedByItsValidation_ServeExitsTwoWithOneLineAndCreatesNothing()
    {
        // A setting its options class refuses (validated on start), in the real executable: one line, exit 2 at the
        // shell, no host failure logged with its stack trace, and the database not created.
        var run = await SignpostProcess.RunAsync($"Data Source={DatabasePath}", _folder, null,
            "serve", "--urls", "http://127.0.0.1:0", "--Signpost:PasswordHashing:Iterations=1000");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(["signpost: configuration: Signpost:PasswordHashing:Iterations must be at least 210000 (OWASP, PBKDF2-HMAC-SHA512)."], run.StderrLines);
        Assert.DoesNotContain("Exception", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public async Task TwoSettingsRefused_DemoExitsTwoWithALineForEach()
    {
        var run = await RunAsync("serve", "--demo", "--urls", "http://127.0.0.1:0",
            "--Signpost:Email:From=not an address", "--Signpost:PasswordHashing:Iterations=1000");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(2, run.StderrLines.Count);
        Assert.Contains(run.StderrLines, l => l.StartsWith("signpost: configuration: Signpost:Email:From 'not an address' is not an email address", StringComparison.Ordinal));
        Assert.Contains("signpost: configuration: Signpost:PasswordHashing:Iterations must be at least 210000 (OWASP, PBKDF2-HMAC-SHA512).", run.StderrLines);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Theory]
    [InlineData("events", "show", "4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("diagnose", "4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("diagnose", "--user", "someone")]
    [InlineData("maintenance", "list")]
    [InlineData("audit", "verify")]
    [InlineData("audit", "export")]
    [InlineData("audit", "credentials", "--org", "riverside")]
    [InlineData("sso", "list")]
    [InlineData("staff", "list")]
    public async Task ReadOnlyCommand_NoDatabase_ExitsThreeAndCreatesNothing(params string[] args)
    {
        var run = await RunAsync(args);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal([$"signpost: there is no database at {DatabasePath}; run 'signpost migrate' to create it."], run.StderrLines);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public async Task ArgumentStartingWithAt_IsAValue_NotAResponseFile()
    {
        // A response file would be "not found" (exit 2); as a value it reaches the command, which finds no database.
        var run = await RunAsync("events", "show", "@4bf92f3577b34da6a3ce929d0e0e4736");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public async Task ReadOnlyCommand_UnmigratedDatabase_ExitsThreeAndDoesNotMigrate()
    {
        // Arrange: a SQLite file that exists but was never migrated (say, a file created by hand).
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE notes (id INTEGER PRIMARY KEY)";
            await create.ExecuteNonQueryAsync();
        }

        // Act
        var run = await RunAsync("events", "show", "4bf92f3577b34da6a3ce929d0e0e4736");

        // Assert: one line, and the file still has no Signpost tables.
        Assert.True(run.ExitCode == 3, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.Matches(@"^signpost: the database schema is not up to date \(\d+ migration\(s\) pending\); run 'signpost migrate' first\.$", line);
        await using var check = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=false");
        await check.OpenAsync();
        await using var tables = check.CreateCommand();
        tables.CommandText = "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'";
        Assert.Equal("notes", await tables.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("orgs", "create", "--slug", "riverside", "--name", "Riverside Clinic")]
    [InlineData("users", "unlock", "someone")]
    [InlineData("events", "show", "4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("staff", "list")]
    public async Task AnyCommand_SchemaAheadOfThisBuild_ExitsThreeWithOneLineAndChangesNothing(params string[] args)
    {
        // Arrange: a current file that a newer release then migrated further (a history row this build does not know).
        Assert.Equal(0, (await RunAsync("migrate")).ExitCode);
        const string newer = "29991231000000_FromANewerRelease";
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ('{newer}', '99.0.0')";
            await insert.ExecuteNonQueryAsync();
        }

        var before = await HistoryAndOrganizationsAsync();

        // Act
        var run = await RunAsync(args);

        // Assert: the same line serve gives, ending with what was done (nothing), the database exit code, nothing written.
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal([$"signpost: the database schema is ahead of this build (1 migration(s) it does not know, the last {newer}); "
            + "start the release that migrated it, or restore the backup taken before the upgrade. Nothing was changed."], run.StderrLines);
        Assert.Equal("", run.Stdout);
        Assert.Equal(before, await HistoryAndOrganizationsAsync());
        Assert.Contains(newer, before, StringComparison.Ordinal);
    }

    /// <summary>The migration history and the practices, as one string, to compare before and after a refused command.</summary>
    private async Task<string> HistoryAndOrganizationsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync();
        await using var read = connection.CreateCommand();
        read.CommandText = """
            SELECT (SELECT group_concat("MigrationId", ',') FROM (SELECT "MigrationId" FROM "__EFMigrationsHistory" ORDER BY 1))
                || ' | ' || (SELECT count(*) FROM "Organizations")
            """;
        return (string)(await read.ExecuteScalarAsync())!;
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("serve", "--urls", "http://127.0.0.1:0")]
    [InlineData("staff", "list")]
    public async Task DatabaseUnreachable_ExitsThreeWithOneLine(params string[] args)
    {
        // Nothing listens on port 1 of loopback: the connection is refused at once.
        var run = await RunAsync([.. args, "--Signpost:Database:Provider=PostgreSQL",
            "--ConnectionStrings:Signpost=Host=127.0.0.1;Port=1;Database=signpost;Username=signpost;Password=x;Timeout=3"]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.StartsWith("signpost: the database could not be used: ", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingsOnTheCommandLine_ReachConfiguration_AndReadOnlyCommandsWorkOnceMigrated()
    {
        // Arrange: migrate a file named only by a --Section:Key=value setting.
        var other = Path.Combine(_folder, "named-by-setting.db");
        var migrated = await RunAsync("migrate", $"--ConnectionStrings:Signpost=Data Source={other}");

        // Act
        var listed = await RunAsync("--ConnectionStrings:Signpost=Data Source=" + other, "maintenance", "list");

        // Assert
        Assert.True(migrated.ExitCode == 0, migrated.ToString());
        Assert.True(File.Exists(other));
        Assert.False(File.Exists(DatabasePath), "the environment's database was used instead of the setting's");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Equal("No maintenance windows.", listed.Stdout.Trim());
    }
}
