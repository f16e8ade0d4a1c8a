using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Signpost.Bench.Infrastructure;
using Signpost.Core.Accounts;
using Signpost.Core.Passwords;
using Signpost.Core.Reasons;

namespace Signpost.Bench.Data;

/// <summary>
/// Makes a Signpost database of a given size: <c>signpost migrate</c> creates the schema, then practices,
/// accounts, memberships and sign-in events go straight into the SQLite file in one transaction through
/// prepared statements (the event indexes are dropped first and rebuilt at the end, with the definitions
/// the migrations gave them).
/// <para>
/// Practices are heavy-tailed (the biggest, p00000, is a hospital with ~0.7% of all accounts; the median
/// has a few dozen), in five US time zones. Events run oldest first over the 400 days of retention, with
/// weekday-morning peaks in each practice's local time and quiet weekends, in the mix of <see cref="EventMix"/>.
/// Every account has the same password and, to save 1 million × 0.2 s of hashing, the same hash of it.
/// </para>
/// </summary>
internal static class DataGenerator
{
    private const int RetentionDays = 400;
    private const int BatchSize = 20_000;

    private static readonly (string Zone, int UtcOffsetHours, double Share)[] TimeZones =
    [
        ("America/New_York", -5, 0.45), ("America/Chicago", -6, 0.30), ("America/Denver", -7, 0.06),
        ("America/Phoenix", -7, 0.03), ("America/Los_Angeles", -8, 0.16),
    ];

    /// <summary>Relative sign-in traffic per local hour: people start their day at the portal.</summary>
    private static readonly double[] HourWeights =
        [0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 1.5, 5, 9, 9, 7, 6, 4, 5, 5, 4, 3, 2, 1, 0.6, 0.4, 0.3, 0.3, 0.2];

    public static async Task<DatasetManifest> CreateAsync(BenchSettings settings, string folder, DatasetPlan plan, Ui ui, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        Directory.CreateDirectory(folder);
        var database = DatasetManifest.DatabasePath(folder);
        foreach (var stale in new[] { database, database + "-wal", database + "-shm", Path.Combine(folder, "dataset.json") })
        {
            File.Delete(stale);
        }

        using (var phase = ui.Start($"schema: signpost migrate ({Path.GetFileName(folder)})"))
        {
            phase.Update(0.1, "running migrations");
            var migrated = await Commands.RunAsync("dotnet", [settings.SignpostDll, "migrate"], folder,
                new Dictionary<string, string>
                {
                    ["ConnectionStrings__Signpost"] = $"Data Source={database}",
                    // A throw-away database in Production: no certificate for the key ring (docs/deployment.md).
                    ["Signpost__DataProtection__AllowUnprotectedKeys"] = "true",
                }, cancellationToken: cancellationToken);
            migrated.EnsureSuccess("signpost migrate");
            phase.Done("done");
        }

        var hashing = new PasswordHashing(Options.Create(new PasswordHashingOptions()));
        var passwordHash = hashing.Hash(BenchSettings.Password);
        var now = DateTimeOffset.UtcNow;

        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; PRAGMA temp_store=MEMORY;", cancellationToken);
        await CheckSchemaAsync(connection, cancellationToken);

        var random = new Random(20261128);
        var practices = MakePractices(plan.Practices, random);
        var accounts = MakeAccounts(plan.Accounts, plan.Practices, random);

        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken))
        {
            using (var phase = ui.Start($"data: {plan.Practices:N0} practices, {plan.Accounts:N0} accounts"))
            {
                InsertPractices(connection, transaction, practices, now);
                InsertAccounts(connection, transaction, accounts, practices, passwordHash, now, phase);
                phase.Done("inserted");
            }

            if (plan.Events > 0)
            {
                var indexes = await DropEventIndexesAsync(connection, transaction, cancellationToken);
                using (var phase = ui.Start($"data: {plan.Events:N0} sign-in events"))
                {
                    InsertEvents(connection, transaction, plan.Events, practices, accounts, now, phase, cancellationToken);
                    phase.Done("inserted");
                }

                using (var phase = ui.Start($"data: rebuild {indexes.Count} event indexes"))
                {
                    for (var i = 0; i < indexes.Count; i++)
                    {
                        phase.Update((double)i / indexes.Count, indexes[i].Split('"')[1]);
                        await ExecuteAsync(connection, indexes[i], cancellationToken, transaction);
                    }

                    phase.Done("rebuilt");
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }

        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
        await connection.CloseAsync();

        var big = practices[0];
        var manifest = new DatasetManifest(
            DatasetManifest.CurrentVersion, plan.Practices, plan.Accounts, plan.Events, now.ToUnixTimeMilliseconds(),
            big.Id, big.Slug, accounts.Regular.Count(a => a == 0), BenchSettings.Password, Stopwatch.GetElapsedTime(started).TotalSeconds);
        manifest.Write(folder);
        return manifest;
    }

    private sealed record Practice(string Id, string Slug, string TimeZone, int UtcOffsetHours, string Network);

    /// <summary>Accounts by index: the practice each regular account belongs to, and its id.</summary>
    private sealed record Accounts(int[] Regular, string[] RegularIds, string[] LegitIds, string LockTargetId, string SupportId);

    private static Practice[] MakePractices(int count, Random random)
    {
        var practices = new Practice[count];
        for (var i = 0; i < count; i++)
        {
            var x = random.NextDouble();
            var zone = TimeZones[^1];
            foreach (var candidate in TimeZones)
            {
                if ((x -= candidate.Share) < 0)
                {
                    zone = candidate;
                    break;
                }
            }

            practices[i] = new Practice(NewId(random), $"p{i:D5}", zone.Zone, zone.UtcOffsetHours,
                string.Create(CultureInfo.InvariantCulture, $"10.{i / 250 % 250}.{i % 250}."));
        }

        return practices;
    }

    private static Accounts MakeAccounts(int count, int practiceCount, Random random)
    {
        // Practice of account i: floor(P·u²) puts 1/√P of the accounts in p00000 and a long tail of small practices.
        var practiceOf = new int[count];
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            var u = random.NextDouble();
            practiceOf[i] = Math.Min(practiceCount - 1, (int)(practiceCount * u * u));
            ids[i] = NewId(random);
        }

        var legit = Enumerable.Range(0, DatasetPlan.LegitUsers).Select(_ => NewId(random)).ToArray();
        return new Accounts(practiceOf, ids, legit, NewId(random), NewId(random));
    }

    private static string NewId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString().ToUpperInvariant();
    }

    /// <summary>Refuses to fill a schema with NOT NULL columns this generator does not know (someone added one).</summary>
    private static async Task CheckSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var known = new Dictionary<string, string[]>
        {
            ["Organizations"] = OrganizationColumns,
            ["Accounts"] = AccountColumns,
            ["Memberships"] = MembershipColumns,
            ["SignInEvents"] = [.. EventColumns, "Id"],
        };
        foreach (var (table, columns) in known)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT name, \"notnull\", dflt_value FROM pragma_table_info('{table}')";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                if (reader.GetInt64(1) == 1 && reader.IsDBNull(2) && !columns.Contains(name, StringComparer.Ordinal))
                {
                    throw new BenchException($"{table}.{name} is a new NOT NULL column without a default: teach bench/Signpost.Bench/Data/DataGenerator.cs to fill it.");
                }
            }
        }
    }

    private static readonly string[] OrganizationColumns =
    [
        "Id", "Slug", "Name", "Address", "TaxId", "GroupNpis", "TimeZone", "Policy_LockoutThreshold", "Policy_LockoutWindowMinutes",
        "Policy_LockoutDurationMinutes", "Policy_PasswordExpiryDays", "Policy_SessionIdleMinutes", "Policy_SessionAbsoluteHours",
        "Policy_BrowserPolicy", "Policy_RestrictToAllowedNetworks", "CreatedAt", "NetworkRanges", "Policy_PasswordHistoryCount",
    ];

    private static readonly string[] AccountColumns =
    [
        "Id", "Username", "NormalizedUsername", "Email", "NormalizedEmail", "DisplayName", "Npi", "Status", "PlatformRoles",
        "PasswordHash", "PasswordChangedAt", "MustChangePassword", "Flagged", "PasswordExpiryExtensionDays", "CreatedAt",
    ];

    private static readonly string[] MembershipColumns = ["Id", "AccountId", "OrganizationId", "Roles", "Status", "CreatedAt"];

    private static readonly string[] EventColumns =
    [
        "TraceId", "OccurredAt", "Identifier", "IdentifierKind", "AccountId", "OrganizationId", "Method", "Succeeded", "ReasonCode",
        "ShownReasonCode", "Detail", "ClientIp", "UserAgent", "Browser", "BrowserVersion", "OperatingSystem", "BrowserSupported",
        "ClientHints", "CookiesWorking", "JavaScriptWorking", "TrustedDevicePresented", "TrustedDeviceValid", "NetworkLabel",
        "SsoConnectionId", "MaintenanceWindowId",
    ];

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string table, string[] columns)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        for (var i = 0; i < columns.Length; i++)
        {
            command.Parameters.Add(new SqliteParameter($"$p{i}", null));
        }

        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }

    private static void InsertPractices(SqliteConnection connection, SqliteTransaction transaction, Practice[] practices, DateTimeOffset now)
    {
        using var command = Prepare(connection, transaction, "Organizations", OrganizationColumns);
        var created = now.AddDays(-RetentionDays - 30).ToUnixTimeMilliseconds();
        foreach (var practice in practices)
        {
            var name = practice.Slug == "p00000" ? "Riverside Regional Hospital" : $"Practice {practice.Slug[1..]}";
            var ranges = $"[{{\"Allowed\":true,\"Cidr\":\"{practice.Network}0/24\",\"Label\":\"LAN\"}}]";
            Run(command, practice.Id, practice.Slug, name, null, null, "[]", practice.TimeZone, 10, 15, 15, null, 15, 12, "Warn", 0, created, ranges, 0);
        }
    }

    private static void InsertAccounts(SqliteConnection connection, SqliteTransaction transaction, Accounts accounts, Practice[] practices,
        string passwordHash, DateTimeOffset now, IPhase phase)
    {
        using var account = Prepare(connection, transaction, "Accounts", AccountColumns);
        using var membership = Prepare(connection, transaction, "Memberships", MembershipColumns);
        var created = now.AddDays(-RetentionDays - 20).ToUnixTimeMilliseconds();
        var random = new Random(7);

        void Add(string id, string username, string email, string? npi, int platformRoles, int? practice, int roles)
        {
            Run(account, id, username, username.ToUpperInvariant(), email, email.ToUpperInvariant(), username, npi, "Active", platformRoles,
                passwordHash, created, 0, 0, 0, created);
            if (practice is { } p)
            {
                Run(membership, NewId(random), id, practices[p].Id, roles, "Active", created);
            }
        }

        Add(accounts.SupportId, DatasetManifest.SupportUsername, "bench.support@payer.example", null, 1, null, 0);
        Add(accounts.LockTargetId, DatasetManifest.LockTarget, "lock.target@p00000.example", null, 0, 0, 1);
        for (var i = 0; i < accounts.LegitIds.Length; i++)
        {
            Add(accounts.LegitIds[i], DatasetManifest.Legit(i), $"legit.{i:D2}@p00001.example", null, 0, Math.Min(1, practices.Length - 1), 1);
        }

        for (var i = 0; i < accounts.Regular.Length; i++)
        {
            var username = DatasetManifest.User(i);
            Add(accounts.RegularIds[i], username, $"{username}@{practices[accounts.Regular[i]].Slug}.example", NpiFor(i), 0, accounts.Regular[i], i % 20 == 0 ? 3 : 1);
            if (i % 10_000 == 0)
            {
                phase.Update((double)i / accounts.Regular.Length, $"{i:N0} accounts");
            }
        }
    }

    /// <summary>A third of the accounts have an individual NPI: 1 + eight digits from the index, and the Luhn check digit.</summary>
    public static string? NpiFor(long index)
    {
        if (index % 3 != 0)
        {
            return null;
        }

        var nine = (100_000_000 + index).ToString(CultureInfo.InvariantCulture);
        return nine + Npi.CheckDigit(nine).ToString(CultureInfo.InvariantCulture);
    }

    private static async Task<List<string>> DropEventIndexesAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var definitions = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'SignInEvents' AND sql IS NOT NULL";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                definitions.Add(reader.GetString(0));
            }
        }

        foreach (var definition in definitions)
        {
            await ExecuteAsync(connection, $"DROP INDEX \"{definition.Split('"')[1]}\"", cancellationToken, transaction);
        }

        return definitions;
    }

    private sealed record Browser(string UserAgent, string Name, string Version, string OperatingSystem, bool Supported);

    private static readonly Browser[] CurrentBrowsers =
    [
        new("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36", "Chrome", "156.0.0.0", "Windows", true),
        new("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0", "Edge", "156.0.0.0", "Windows", true),
        new("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:158.0) Gecko/20100101 Firefox/158.0", "Firefox", "158.0", "Windows", true),
        new("Mozilla/5.0 (Macintosh; Intel Mac OS X 15_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15", "Safari", "26.1", "macOS", true),
        new("Mozilla/5.0 (Macintosh; Intel Mac OS X 15_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/155.0.0.0 Safari/537.36", "Chrome", "155.0.0.0", "macOS", true),
    ];

    private static readonly Browser[] OldBrowsers =
    [
        new("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome", "131.0.0.0", "Windows", false),
        new("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox", "128.0", "Windows", false),
        new("Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko", "InternetExplorer", "11.0", "Windows", false),
    ];

    private static readonly string[] MaintenanceWindows = Enumerable.Range(0, 12).Select(i => new Guid(i + 1, 0, 0, new byte[8]).ToString().ToUpperInvariant()).ToArray();

    /// <summary>One event, generated on one thread and inserted on another.</summary>
    private readonly record struct EventRow(
        string TraceId, long OccurredAt, string? Identifier, string? IdentifierKind, string? AccountId, string? OrganizationId, string Method,
        bool Succeeded, string ReasonCode, string ShownReasonCode, string Detail, string ClientIp, Browser Browser, bool? CookiesWorking,
        bool TrustedDevicePresented, bool TrustedDeviceValid, string NetworkLabel, string? SsoConnectionId, string? MaintenanceWindowId);

    private static void InsertEvents(SqliteConnection connection, SqliteTransaction transaction, long total, Practice[] practices, Accounts accounts,
        DateTimeOffset now, IPhase phase, CancellationToken cancellationToken)
    {
        using var batches = new BlockingCollection<EventRow[]>(boundedCapacity: 8);
        var producer = Task.Run(() =>
        {
            try
            {
                foreach (var batch in Generate(total, practices, accounts, now))
                {
                    batches.Add(batch, cancellationToken);
                }
            }
            finally
            {
                batches.CompleteAdding();
            }
        }, cancellationToken);

        using var command = Prepare(connection, transaction, "SignInEvents", EventColumns);
        var p = command.Parameters;
        long done = 0;
        var started = Stopwatch.GetTimestamp();
        foreach (var batch in batches.GetConsumingEnumerable(cancellationToken))
        {
            foreach (var e in batch)
            {
                p[0].Value = e.TraceId;
                p[1].Value = e.OccurredAt;
                p[2].Value = (object?)e.Identifier ?? DBNull.Value;
                p[3].Value = (object?)e.IdentifierKind ?? DBNull.Value;
                p[4].Value = (object?)e.AccountId ?? DBNull.Value;
                p[5].Value = (object?)e.OrganizationId ?? DBNull.Value;
                p[6].Value = e.Method;
                p[7].Value = e.Succeeded ? 1 : 0;
                p[8].Value = e.ReasonCode;
                p[9].Value = e.ShownReasonCode;
                p[10].Value = e.Detail;
                p[11].Value = e.ClientIp;
                p[12].Value = e.Browser.UserAgent;
                p[13].Value = e.Browser.Name;
                p[14].Value = e.Browser.Version;
                p[15].Value = e.Browser.OperatingSystem;
                p[16].Value = e.Browser.Supported ? 1 : 0;
                p[17].Value = DBNull.Value;
                p[18].Value = e.CookiesWorking is { } cookies ? cookies ? 1 : 0 : DBNull.Value;
                p[19].Value = e.Method == "Password" ? 1 : DBNull.Value;
                p[20].Value = e.TrustedDevicePresented ? 1 : 0;
                p[21].Value = e.TrustedDeviceValid ? 1 : 0;
                p[22].Value = e.NetworkLabel;
                p[23].Value = (object?)e.SsoConnectionId ?? DBNull.Value;
                p[24].Value = (object?)e.MaintenanceWindowId ?? DBNull.Value;
                command.ExecuteNonQuery();
            }

            done += batch.Length;
            var rate = done / Math.Max(0.001, Stopwatch.GetElapsedTime(started).TotalSeconds);
            phase.Update((double)done / total, $"{done:N0} events, {rate:N0}/s, {TimeSpan.FromSeconds((total - done) / rate):m\\:ss} left");
        }

        producer.GetAwaiter().GetResult();
    }

    /// <summary>Events oldest first: day by day over the retention period, weekdays busier, mornings busiest.</summary>
    private static IEnumerable<EventRow[]> Generate(long total, Practice[] practices, Accounts accounts, DateTimeOffset now)
    {
        var random = new Random(42);
        var sampler = new EventMix.Sampler();
        var hourCumulative = Cumulative(HourWeights);
        var today = now.UtcDateTime.Date;
        var days = Enumerable.Range(0, RetentionDays).Select(d => today.AddDays(-RetentionDays + 1 + d)).ToArray();
        var dayWeights = days.Select(d => d.DayOfWeek switch { DayOfWeek.Saturday => 0.2, DayOfWeek.Sunday => 0.1, _ => 1.0 }).ToArray();
        var weightSum = dayWeights.Sum();
        var nowMs = now.ToUnixTimeMilliseconds();

        long emitted = 0;
        var carry = 0.0;
        var batch = new List<EventRow>(BatchSize);
        for (var d = 0; d < days.Length; d++)
        {
            var exact = (total * dayWeights[d] / weightSum) + carry;
            var count = d == days.Length - 1 ? total - emitted : (long)Math.Floor(exact);
            carry = exact - count;
            var times = new long[count];
            var who = new int[count];
            var dayStart = new DateTimeOffset(days[d], TimeSpan.Zero).ToUnixTimeMilliseconds();
            for (var i = 0; i < count; i++)
            {
                var account = random.Next(accounts.Regular.Length);
                var practice = practices[accounts.Regular[account]];
                var hour = Array.BinarySearch(hourCumulative, random.NextDouble() * hourCumulative[^1]);
                hour = hour < 0 ? Math.Min(~hour, 23) : hour;
                var local = dayStart + (hour * 3_600_000L) + random.NextInt64(3_600_000L);
                times[i] = Math.Min(nowMs - 1000, local - (practice.UtcOffsetHours * 3_600_000L));
                who[i] = account;
            }

            Array.Sort(times, who);
            for (var i = 0; i < count; i++)
            {
                batch.Add(MakeEvent(random, sampler, times[i], who[i], practices, accounts));
                if (batch.Count == BatchSize)
                {
                    yield return [.. batch];
                    batch.Clear();
                }
            }

            emitted += count;
        }

        if (batch.Count > 0)
        {
            yield return [.. batch];
        }
    }

    private static double[] Cumulative(double[] weights)
    {
        var sum = 0.0;
        return weights.Select(w => sum += w).ToArray();
    }

    private static EventRow MakeEvent(Random random, EventMix.Sampler sampler, long at, int accountIndex, Practice[] practices, Accounts accounts)
    {
        var reason = sampler.Next(random);
        var practiceIndex = accounts.Regular[accountIndex];
        var practice = practices[practiceIndex];
        string? accountId = accounts.RegularIds[accountIndex];
        string? organizationId = practice.Id;
        var username = DatasetManifest.User(accountIndex);
        var npi = NpiFor(accountIndex);
        var pick = random.NextDouble();
        var (identifier, kind) = pick < 0.7 || (pick >= 0.9 && npi is null) ? (username, "username")
            : pick < 0.9 ? ($"{username}@{practice.Slug}.example", "email")
            : (npi!, "npi");

        // A quarter of wrong credentials are identifiers no account has: typos and stuffed lists.
        if (reason.Code == ReasonCodes.InvalidCredentials && random.NextDouble() < 0.25)
        {
            accountId = null;
            identifier = $"{(char)('a' + random.Next(26))}{(char)('a' + random.Next(26))}smith{random.Next(10_000)}";
            kind = "username";
            organizationId = random.NextDouble() < 0.5 ? organizationId : null;
        }

        var method = reason.Code.StartsWith("reset_link", StringComparison.Ordinal) ? "PasswordReset" : random.NextDouble() < 0.7 ? "Password" : "Api";
        var network = random.NextDouble();
        var (ip, label) = network < 0.65 ? (practice.Network + random.Next(2, 250).ToString(CultureInfo.InvariantCulture), "LAN")
            : network < 0.85 ? (string.Create(CultureInfo.InvariantCulture, $"172.16.{random.Next(256)}.{random.Next(1, 255)}"), "VPN")
            : network < 0.95 ? (string.Create(CultureInfo.InvariantCulture, $"100.64.{random.Next(256)}.{random.Next(1, 255)}"), "mobile")
            : (string.Create(CultureInfo.InvariantCulture, $"198.51.100.{random.Next(1, 255)}"), "unknown");
        if (reason.Code == ReasonCodes.NetworkNotAllowed)
        {
            (ip, label) = (string.Create(CultureInfo.InvariantCulture, $"172.16.{random.Next(256)}.{random.Next(1, 255)}"), "VPN");
        }

        var browser = reason.Code is ReasonCodes.BrowserUnsupported or ReasonCodes.SignedInBrowserWarning
            ? OldBrowsers[random.Next(OldBrowsers.Length)]
            : CurrentBrowsers[random.Next(CurrentBrowsers.Length)];
        var trusted = reason.IsSuccess ? random.NextDouble() < 0.7 : random.NextDouble() < 0.3;
        var trace = new byte[16];
        random.NextBytes(trace);
        return new EventRow(
            Convert.ToHexStringLower(trace), at, identifier, kind, accountId, organizationId, method, reason.IsSuccess, reason.Code, reason.PublicCode,
            Detail(reason.Code, random), ip, browser, reason.Code == ReasonCodes.CookiesDisabled ? false : true,
            trusted, trusted && accountId is not null, label,
            reason.Category == ReasonCategory.Sso ? $"sso-{practice.Slug}" : null,
            reason.Category == ReasonCategory.Maintenance ? MaintenanceWindows[random.Next(MaintenanceWindows.Length)] : null);
    }

    private static string Detail(string code, Random random) => code switch
    {
        ReasonCodes.SignedIn => "Session for 1 practice(s); idle 15 min.",
        ReasonCodes.InvalidCredentials => string.Create(CultureInfo.InvariantCulture, $"Wrong password ({random.Next(1, 10)}/10 within 15 min)."),
        ReasonCodes.StaleForm => "The form was older than 120 minutes.",
        ReasonCodes.NetworkNotAllowed => "Client address is outside the practice's allowed networks.",
        ReasonCodes.RateLimited => "Address over its per-minute limit; retry after 42 s.",
        _ => ReasonCatalogue.Get(code).Title + ".",
    };

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
