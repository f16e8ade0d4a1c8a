using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Signpost.Browser.Tests.Infrastructure;

namespace Signpost.Browser.Tests.Mfa;

/// <summary>
/// A <c>signpost --demo</c> of its own for the passkey tests, reached as http://localhost:port (WebAuthn refuses an
/// IP address as the relying party), its public base URL set to match. Every member of the demo practice must use
/// a second factor (within the demo's grace, so a person without one is still signed in and led to enrol). The
/// tests read what it persisted straight from its SQLite file.
/// </summary>
public sealed class PasskeyServer : IAsyncLifetime
{
    private SignpostServer? _server;

    public SignpostServer Server => _server ?? throw new InvalidOperationException("The passkey server has not started.");

    public async ValueTask InitializeAsync()
    {
        _server = await SignpostServer.StartAsync(["--Signpost:PublicBaseUrl={localhostAddress}"]);
        await CliAsync("orgs", "policy", "--slug", Demo.Slug, "--mfa", "everyone", "--mfa-grace-days", "30");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Rows of a query on the app's database, each column by name.</summary>
    public async Task<List<Dictionary<string, object?>>> QueryAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Server.WorkingFolder, "signpost.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The account's ID as the app stored it.</summary>
    public async Task<string> AccountIdAsync(string username) =>
        (string)(await QueryAsync($"SELECT Id FROM Accounts WHERE Username = '{username}'")).Single()["Id"]!;

    /// <summary>Runs the <c>signpost</c> command line on the app's own database, as an operator would.</summary>
    private async Task CliAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = Server.WorkingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Repository.AppDll }.Concat(arguments).Append("--Signpost:DataProtection:AllowUnprotectedKeys=true"))
        {
            start.ArgumentList.Add(argument);
        }

        using var cli = Process.Start(start)!;
        var error = cli.StandardError.ReadToEndAsync();
        var output = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        if (cli.ExitCode != 0)
        {
            throw new InvalidOperationException($"signpost {string.Join(' ', arguments)} exited {cli.ExitCode}: {output}{await error}");
        }
    }
}
