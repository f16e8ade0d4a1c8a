using Microsoft.Data.Sqlite;
using Signpost.Bench.Data;
using Signpost.Bench.Infrastructure;

namespace Signpost.Bench.Targets;

/// <summary>
/// Signpost as the bench runs it: the Release <c>signpost.dll</c>, started with <c>serve</c> in a folder
/// of its own under the run's folder, configured through environment variables (which every command
/// of the CLI reads), console logging at Warning so the terminal is not what is measured.
/// </summary>
internal static class SignpostTarget
{
    /// <summary>High enough that one client address is never limited: for figures about throughput, not about the limiter.</summary>
    public const int UnlimitedPermitsPerMinute = 100_000;

    private sealed record SignInBody(string Identifier, string Password);

    /// <summary>A small seeded database (a template made once per run, copied for each server so each starts clean).</summary>
    public static async Task<string> SeedAsync(BenchSettings settings, Ui ui, CancellationToken cancellationToken)
    {
        var template = Path.Combine(settings.RunRoot, "seed-template");
        if (DatasetManifest.TryRead(template) is null)
        {
            await DataGenerator.CreateAsync(settings, template, DatasetPlan.Seed(), ui, cancellationToken);
        }

        var folder = settings.NewFolder("signpost");
        File.Copy(DatasetManifest.DatabasePath(template), DatasetManifest.DatabasePath(folder));
        File.Copy(Path.Combine(template, "dataset.json"), Path.Combine(folder, "dataset.json"));
        return DatasetManifest.DatabasePath(folder);
    }

    /// <summary>Starts Signpost on a database. Its key ring lives in that database (docs/deployment.md), so a second start on
    /// the same file is a restart with the key ring the first one made.</summary>
    public static Task<ServerProcess> StartAsync(BenchSettings settings, string database, CancellationToken cancellationToken,
        int permitsPerMinute = UnlimitedPermitsPerMinute, string name = "signpost") =>
        ServerProcess.StartAsync(Spec(settings, database, permitsPerMinute, name), cancellationToken);

    public static ServerSpec Spec(BenchSettings settings, string database, int permitsPerMinute = UnlimitedPermitsPerMinute, string name = "signpost")
    {
        var folder = settings.NewFolder(name + "-run");
        var port = ServerProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Signpost"] = $"Data Source={database}",
            ["Signpost__SignInRateLimit__PermitsPerMinute"] = permitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Signpost__Email__PickupDirectory"] = Path.Combine(folder, "mail"),
            ["Logging__LogLevel__Default"] = "Warning",
            // A throw-away database in Production: no certificate for the key ring (docs/deployment.md).
            ["Signpost__DataProtection__AllowUnprotectedKeys"] = "true",
        };
        return new ServerSpec(name, settings.SignpostDll, folder, ["serve", "--urls", $"http://127.0.0.1:{port}"], environment, "/sign-in", port);
    }

    /// <summary>
    /// What the operator does with the one-time link a first start prints: the platform administrator gets a password and
    /// is active, so later starts have no link to issue (as on a deployed node). Written straight into the bench's own copy.
    /// </summary>
    public static void ActivateFirstAdministrator(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE Accounts SET Status = 'Active',
                PasswordHash = (SELECT PasswordHash FROM Accounts WHERE PasswordHash IS NOT NULL LIMIT 1),
                PasswordChangedAt = $now
            WHERE (PlatformRoles & 2) = 2 AND Status = 'PendingActivation'
            """;
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (command.ExecuteNonQuery() != 1)
        {
            throw new BenchException($"The first start on {database} left no platform administrator awaiting activation.");
        }
    }

    public static Task<Answer> SignInAsync(HttpClient client, string identifier, string password, string? cookies, CancellationToken cancellationToken) =>
        Http.PostJsonAsync(client, "/api/v1/sign-in", new SignInBody(identifier, password), cookies, cancellationToken);

    /// <summary>Signs in and returns the session cookie and the trusted-device cookie it set.</summary>
    public static async Task<(string Session, KeyValuePair<string, string> Device)> SignInForCookiesAsync(HttpClient client, string identifier, CancellationToken cancellationToken)
    {
        var answer = await SignInAsync(client, identifier, BenchSettings.Password, null, cancellationToken);
        if (answer.Status != 200 || !answer.Cookies.TryGetValue("sp_session", out var session))
        {
            throw new BenchException($"Signing in as {identifier} answered {answer.Label}, not a session.");
        }

        var device = answer.Cookies.First(c => c.Key.StartsWith("sp_dev_", StringComparison.Ordinal));
        return (session, device);
    }

    /// <summary>A read-only look into a server's database (WAL lets it read while the server writes).</summary>
    public static SqliteConnection OpenReadOnly(string database)
    {
        var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }

    public static T Scalar<T>(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = command.ExecuteScalar();
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return result is null or DBNull ? default! : (T)Convert.ChangeType(result, type, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static List<(string Key, long Count)> Counts(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<(string, long)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add((reader.IsDBNull(0) ? "" : reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }
}
