using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace Signpost.Data.Postgres;

/// <summary>One month's partition of <c>SignInEvents</c>: events from <see cref="From"/> (inclusive) to <see cref="To"/>, in UTC.</summary>
public sealed record EventPartition(string Name, DateTimeOffset From, DateTimeOffset To);

/// <summary>A month dropped by retention, with how many events it held.</summary>
public sealed record DroppedEventPartition(string Name, DateTimeOffset From, DateTimeOffset To, long Events);

/// <summary>
/// The monthly partitions of <c>SignInEvents</c> on PostgreSQL (made by the <c>EventPartitions</c> migration):
/// months made ahead, so an insert lands in its own month, a DEFAULT partition so that an insert never fails,
/// and whole months dropped once every event in them is past retention (docs/capacity.md, "Sign-in events on
/// PostgreSQL"). Only partitions named <c>SignInEvents_yyyy_MM</c> are managed; any other is left alone.
/// <para>
/// Every statement that needs a lock on the events table waits at most <see cref="LockTimeout"/>: making or
/// dropping a partition takes a short exclusive lock, and a lock request queued behind a long read would hold
/// every sign-in's insert behind it. Giving up is safe; the job tries again at its next run.
/// </para>
/// </summary>
public sealed partial class PostgresEventPartitions(SignpostDbContext db)
{
    public const string DefaultPartition = "SignInEvents_default";

    /// <summary>The longest a partition change waits for its lock before giving up until the next run.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The first instant of the UTC month holding <paramref name="at"/>.</summary>
    public static DateTimeOffset MonthOf(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The partition name of the month starting at <paramref name="month"/>.</summary>
    public static string NameOf(DateTimeOffset month) => "SignInEvents_" + month.ToString("yyyy_MM", CultureInfo.InvariantCulture);

    /// <summary>The monthly partitions, oldest first (the DEFAULT partition is not one).</summary>
    public async Task<IReadOnlyList<EventPartition>> ListMonthsAsync(CancellationToken cancellationToken)
    {
        var months = new List<EventPartition>();
        foreach (var name in await PartitionNamesAsync(cancellationToken))
        {
            if (MonthName().Match(name) is { Success: true } match)
            {
                var from = new DateTimeOffset(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), 1, 0, 0, 0, TimeSpan.Zero);
                months.Add(new EventPartition(name, from, from.AddMonths(1)));
            }
        }

        return [.. months.OrderBy(m => m.From)];
    }

    /// <summary>Whether the DEFAULT partition exists.</summary>
    public async Task<bool> HasDefaultAsync(CancellationToken cancellationToken) =>
        (await PartitionNamesAsync(cancellationToken)).Contains(DefaultPartition);

    /// <summary>
    /// Makes what is missing of: the DEFAULT partition, and the month of <paramref name="now"/> and the
    /// <paramref name="monthsAhead"/> after it. Events already in the DEFAULT partition for a month being made
    /// move into it. Returns the names made.
    /// </summary>
    public async Task<IReadOnlyList<string>> EnsureAsync(DateTimeOffset now, int monthsAhead, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(monthsAhead);
        var made = new List<string>();
        if (!await HasDefaultAsync(cancellationToken))
        {
            await InTransactionAsync($"""CREATE TABLE "{DefaultPartition}" PARTITION OF "SignInEvents" DEFAULT""", cancellationToken);
            made.Add(DefaultPartition);
        }

        var present = (await ListMonthsAsync(cancellationToken)).Select(m => m.From).ToHashSet();
        for (var month = MonthOf(now); month <= MonthOf(now).AddMonths(monthsAhead); month = month.AddMonths(1))
        {
            if (!present.Contains(month))
            {
                await AttachMonthAsync(month, cancellationToken);
                made.Add(NameOf(month));
            }
        }

        return made;
    }

    /// <summary>
    /// Drops every month whose end is at or before <paramref name="cutoff"/> (all its events are older than
    /// retention), telling <paramref name="dropped"/> of each as soon as it is gone (so a later failure loses
    /// no record of it), then deletes the DEFAULT partition's events older than <paramref name="cutoff"/> row by
    /// row and returns how many. The month holding the cutoff is kept whole until its end passes it.
    /// </summary>
    public async Task<int> DropOlderThanAsync(DateTimeOffset cutoff, Action<DroppedEventPartition> dropped, CancellationToken cancellationToken)
    {
        foreach (var month in (await ListMonthsAsync(cancellationToken)).Where(m => m.To <= cutoff))
        {
            // Counted before the drop, outside its lock: a month past retention takes no new events.
            var events = await db.Database.SqlQueryRaw<long>(Sql.CountOf(month.Name)).SingleAsync(cancellationToken);
            await InTransactionAsync(Sql.Drop(month.Name), cancellationToken);
            dropped(new DroppedEventPartition(month.Name, month.From, month.To, events));
        }

        return await HasDefaultAsync(cancellationToken)
            ? await db.Database.ExecuteSqlRawAsync(Sql.DeleteFromDefaultBefore, [cutoff.ToUniversalTime()], cancellationToken)
            : 0;
    }

    /// <summary>
    /// Makes the month as a table of its own and attaches it, which locks the events table less than
    /// <c>CREATE TABLE … PARTITION OF</c> would (attaching lets inserts and reads go on). The DEFAULT partition is
    /// locked against inserts first, so the events it holds for the month all move, and none arrives between
    /// the move and the attach (which checks that the DEFAULT partition holds none of the month).
    /// </summary>
    private Task AttachMonthAsync(DateTimeOffset month, CancellationToken cancellationToken)
    {
        var name = NameOf(month);
        var from = Sql.Instant(month);
        var to = Sql.Instant(month.AddMonths(1));
        return InTransactionAsync($"""
            LOCK TABLE "{DefaultPartition}" IN EXCLUSIVE MODE;
            CREATE TABLE "{name}" (LIKE "SignInEvents" INCLUDING STORAGE INCLUDING COMPRESSION);
            ALTER TABLE "{name}" ADD CONSTRAINT "{name}_range" CHECK ("OccurredAt" >= {from} AND "OccurredAt" < {to});
            WITH moved AS (DELETE FROM "{DefaultPartition}" WHERE "OccurredAt" >= {from} AND "OccurredAt" < {to} RETURNING *)
                INSERT INTO "{name}" SELECT * FROM moved;
            ALTER TABLE "SignInEvents" ATTACH PARTITION "{name}" FOR VALUES FROM ({from}) TO ({to});
            ALTER TABLE "{name}" DROP CONSTRAINT "{name}_range";
            """, cancellationToken);
    }

    private async Task InTransactionAsync(string sql, CancellationToken cancellationToken)
    {
        // A partition change may build the month's indexes over events moved from DEFAULT: not a request-sized timeout.
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync(Sql.LockTimeout, cancellationToken);
        await db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<List<string>> PartitionNamesAsync(CancellationToken cancellationToken) =>
        await db.Database.SqlQueryRaw<string>(Sql.Partitions).ToListAsync(cancellationToken);

    [GeneratedRegex(@"^SignInEvents_(\d{4})_(0[1-9]|1[0-2])$", RegexOptions.CultureInvariant)]
    private static partial Regex MonthName();

    /// <summary>The statements; names in them come from <see cref="NameOf"/> or from the catalog through <see cref="MonthName"/>, never from input.</summary>
    private static class Sql
    {
        public const string Partitions = """
            SELECT c.relname AS "Value" FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = '"SignInEvents"'::regclass
            """;

        public const string DeleteFromDefaultBefore = $$"""DELETE FROM "{{DefaultPartition}}" WHERE "OccurredAt" < {0}""";

        public static readonly string LockTimeout =
            $"SET LOCAL lock_timeout = '{(int)PostgresEventPartitions.LockTimeout.TotalMilliseconds}ms'";

        public static string CountOf(string partition) => $"""SELECT count(*) AS "Value" FROM "{partition}" """;

        public static string Drop(string partition) => $"""DROP TABLE "{partition}" """;

        public static string Instant(DateTimeOffset at) => "'" + at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+00'";
    }
}
