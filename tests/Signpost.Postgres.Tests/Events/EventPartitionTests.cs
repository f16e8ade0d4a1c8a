using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Events;
using Signpost.Data.Postgres;
using Signpost.Postgres.Tests.Infrastructure;

namespace Signpost.Postgres.Tests.Events;

/// <summary>
/// Sign-in events partitioned by month on PostgreSQL (docs/capacity.md, "Sign-in events on PostgreSQL"): the
/// <c>EventPartitions</c> migration on a database that already holds events, inserts for a month without a
/// partition, the job that makes months ahead, and retention dropping whole months. In process, on the node
/// collection's server, a database each.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class EventPartitionTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 15, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The first arranged event: 3,000 events follow four hours apart, to 2026-10-14.</summary>
    private static readonly DateTimeOffset First = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Migration_OnADatabaseHoldingEvents_KeepsEveryRowInItsMonth()
    {
        // Arrange: the schema before partitioning, holding 3,003 events over 17 months and two far outliers.
        await using var host = await EventPartitionHost.StartAsync(postgres, Now, EventPartitionHost.BeforePartitions);
        await ArrangeEventsAsync(host);
        var before = await host.DigestAsync();
        var highestId = await Rows.SingleAsync(host.ConnectionString, """SELECT max("Id") FROM "SignInEvents" """, r => r.GetInt64(0));

        // Act
        await host.MigrateAsync();

        // Assert: every row and every column as it was; each month of the events has its partition, and so do
        // this month and the next on the database's clock; the month boundary belongs to the later month, and only
        // the outliers sit in DEFAULT.
        Assert.Equal((3003L, before.Digest), await host.DigestAsync());
        var partitions = await host.PartitionsAsync();
        var thisMonth = PostgresEventPartitions.MonthOf(DateTimeOffset.UtcNow);
        for (var month = First; month <= new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero); month = month.AddMonths(1))
        {
            Assert.Contains(PostgresEventPartitions.NameOf(month), partitions);
        }

        Assert.Contains(PostgresEventPartitions.NameOf(thisMonth), partitions);
        Assert.Contains(PostgresEventPartitions.NameOf(thisMonth.AddMonths(1)), partitions);

        Assert.Contains(PostgresEventPartitions.DefaultPartition, partitions);
        Assert.Equal("SignInEvents_2026_03", await host.PartitionOfAsync("boundary"));
        Assert.Equal(PostgresEventPartitions.DefaultPartition, await host.PartitionOfAsync("eleven-years-ago"));
        Assert.Equal(PostgresEventPartitions.DefaultPartition, await host.PartitionOfAsync("far-future"));
        Assert.Equal(2, await Rows.SingleAsync(host.ConnectionString, """SELECT count(*) FROM "SignInEvents_default" """, r => r.GetInt64(0)));
        Assert.Equal(["PK_SignInEvents"], await Rows.ReadAsync(host.ConnectionString,
            """SELECT conname FROM pg_constraint WHERE conrelid = '"SignInEvents"'::regclass AND contype IN ('p', 'u')""", r => r.GetString(0)));

        // The next event continues the IDs and is found by its trace ID as before.
        var next = NewEvent("after-migration", DateTimeOffset.UtcNow);
        await host.WithAsync(sp => Append(sp, next));
        var found = await host.WithAsync(sp => sp.GetRequiredService<ISignInEventStore>().FindByTraceIdAsync("after-migration", CancellationToken.None));
        Assert.NotNull(found);
        Assert.True(found.Id > highestId, $"ID {found.Id} after the migration, {highestId} before it.");
        Assert.Equal(PostgresEventPartitions.NameOf(thisMonth), await host.PartitionOfAsync("after-migration"));

        // And the migration's Down puts one plain table back with every row, the new one included.
        var partitioned = await host.DigestAsync();
        await host.MigrateAsync(EventPartitionHost.BeforePartitions);
        Assert.Equal(partitioned, await host.DigestAsync());
        Assert.Empty(await host.PartitionsAsync());
    }

    [Fact]
    public async Task Insert_ForAMonthWithoutPartition_LandsInDefaultAndTheJobMovesItIntoItsMonth()
    {
        // Arrange: a new database; the clock is moved to a month the migration made no partition for.
        await using var host = await EventPartitionHost.StartAsync(postgres, Now);
        var later = new DateTimeOffset(2031, 5, 20, 12, 0, 0, TimeSpan.Zero);
        Assert.DoesNotContain("SignInEvents_2031_05", await host.PartitionsAsync());

        // Act 1: an event in that month is written all the same, into DEFAULT.
        await host.WithAsync(sp => Append(sp, NewEvent("early-bird", later)));
        Assert.Equal(PostgresEventPartitions.DefaultPartition, await host.PartitionOfAsync("early-bird"));

        // Act 2: the job, started as the host starts it (on its lease), on a clock in that month.
        host.Time.SetUtcNow(later);
        await host.Partitions.StartAsync(CancellationToken.None);
        try
        {
            await WaitForAsync(async () => (await host.PartitionsAsync()).Contains("SignInEvents_2031_06"), host);
        }
        finally
        {
            await host.Partitions.StopAsync(CancellationToken.None);
        }

        // Assert: the month and the next exist, the event moved into its month, the job logged what it made and held the lease.
        Assert.Equal("SignInEvents_2031_05", await host.PartitionOfAsync("early-bird"));
        Assert.Equal(1, await Rows.SingleAsync(host.ConnectionString, """SELECT count(*) FROM "SignInEvents" WHERE "TraceId" = 'early-bird'""", r => r.GetInt64(0)));
        Assert.Contains(host.Lines, l => l.Contains("Made sign-in event partition SignInEvents_2031_05", StringComparison.Ordinal));
        Assert.Contains(host.Lines, l => l.Contains("Made sign-in event partition SignInEvents_2031_06", StringComparison.Ordinal));

        // DEFAULT dropped by hand is made again at the job's next run, and takes what no month does.
        await host.ExecuteAsync("""DROP TABLE "SignInEvents_default" """);
        var made = await host.Partitions.RunOnceAsync(CancellationToken.None);
        Assert.Equal([PostgresEventPartitions.DefaultPartition], made);
        await host.WithAsync(sp => Append(sp, NewEvent("far-past", new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero))));
        Assert.Equal(PostgresEventPartitions.DefaultPartition, await host.PartitionOfAsync("far-past"));
        Assert.Empty(await host.Partitions.RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Retention_DropsExactlyTheMonthsPastTheCutoffAndKeepsTheRest()
    {
        // Arrange: 17 months of events, migrated into partitions; retention 400 days on 2026-12-15 puts the cutoff
        // at 2025-11-10 09:00, inside November 2025. DEFAULT holds one event older than that (2015) and one newer (2040).
        await using var host = await EventPartitionHost.StartAsync(postgres, Now, EventPartitionHost.BeforePartitions);
        await ArrangeEventsAsync(host);
        await host.MigrateAsync();
        var cutoff = Now.AddDays(-400);
        var perMonth = await Rows.ReadAsync(host.ConnectionString,
            """SELECT tableoid::regclass::text, count(*) FROM "SignInEvents" GROUP BY 1""", r => (Name: r.GetString(0).Trim('"'), Count: r.GetInt64(1)));
        var expectedDropped = new[] { "SignInEvents_2025_06", "SignInEvents_2025_07", "SignInEvents_2025_08", "SignInEvents_2025_09", "SignInEvents_2025_10" };
        var keptBefore = await Rows.SingleAsync(host.ConnectionString, """SELECT count(*) FROM "SignInEvents" WHERE "OccurredAt" >= '2025-11-01 00:00:00+00'""", r => r.GetInt64(0));

        // Act
        await host.Retention.RunOnceAsync(CancellationToken.None);

        // Assert: the five months ending before the cutoff are gone, with their events; November 2025 stays whole
        // (its first days are older than the cutoff: retention on PostgreSQL is by the month); DEFAULT lost only its old event.
        var partitions = await host.PartitionsAsync();
        Assert.All(expectedDropped, name => Assert.DoesNotContain(name, partitions));
        Assert.Contains("SignInEvents_2025_11", partitions);
        Assert.Contains("SignInEvents_2026_10", partitions);
        Assert.Equal(keptBefore, await Rows.SingleAsync(host.ConnectionString, """SELECT count(*) FROM "SignInEvents" """, r => r.GetInt64(0)));
        Assert.True(await Rows.SingleAsync(host.ConnectionString, """SELECT count(*) FROM "SignInEvents" WHERE "OccurredAt" < @cutoff""", r => r.GetInt64(0), ("cutoff", cutoff)) > 0);
        Assert.Equal(["far-future"], await Rows.ReadAsync(host.ConnectionString, """SELECT "TraceId" FROM "SignInEvents_default" """, r => r.GetString(0)));

        // Each dropped month is logged with its events, and DEFAULT's deleted rows as retention always logged them.
        foreach (var name in expectedDropped)
        {
            var events = perMonth.Single(p => p.Name == name).Count;
            Assert.Contains(host.Lines, l => l.Contains($"Dropped sign-in event partition {name}: {events} events", StringComparison.Ordinal));
        }

        Assert.Contains(host.Lines, l => l.Contains("Purged 1 sign-in events older than", StringComparison.Ordinal));

        // A second run the same day finds nothing more to drop.
        var lines = host.Lines.Count;
        await host.Retention.RunOnceAsync(CancellationToken.None);
        Assert.DoesNotContain(host.Lines.Skip(lines), l => l.Contains("Dropped", StringComparison.Ordinal) || l.Contains("Purged", StringComparison.Ordinal));
    }

    /// <summary>3,000 events four hours apart from <see cref="First"/>, one on a month boundary, one eleven years old and one in 2040.</summary>
    private static Task ArrangeEventsAsync(EventPartitionHost host) => host.ExecuteAsync("""
        INSERT INTO "SignInEvents" ("TraceId", "OccurredAt", "Identifier", "IdentifierKind", "AccountId", "Method", "Succeeded",
            "ReasonCode", "ShownReasonCode", "Detail", "ClientIp", "UserAgent", "TrustedDevicePresented", "TrustedDeviceValid")
        SELECT 'trace-' || g, timestamptz '2025-06-01 00:00:00+00' + g * interval '4 hours', 'user' || (g % 50), 'username',
            md5('account' || (g % 50))::uuid, 'Password', g % 3 = 0, 'invalid_credentials', 'invalid_credentials',
            CASE WHEN g % 7 = 0 THEN 'Wrong password (1/10 within 15 min).' END, '192.0.2.' || (g % 200), 'partition-test', false, false
        FROM generate_series(1, 3000) g;
        INSERT INTO "SignInEvents" ("TraceId", "OccurredAt", "Method", "Succeeded", "ReasonCode", "ShownReasonCode", "TrustedDevicePresented", "TrustedDeviceValid")
        VALUES ('boundary', '2026-03-01 00:00:00+00', 'Api', true, 'signed_in', 'signed_in', false, false),
               ('eleven-years-ago', '2015-12-01 00:00:00+00', 'Api', true, 'signed_in', 'signed_in', false, false),
               ('far-future', '2040-01-01 00:00:00+00', 'Api', true, 'signed_in', 'signed_in', false, false);
        """);

    private static async Task<bool> Append(IServiceProvider services, SignInEvent signInEvent)
    {
        await services.GetRequiredService<ISignInEventStore>().AppendAsync(signInEvent, CancellationToken.None);
        return true;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, EventPartitionHost host)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The partition job made nothing within 30 s:\n" + string.Join('\n', host.Lines));
            await Task.Delay(50);
        }
    }

    private static SignInEvent NewEvent(string traceId, DateTimeOffset at) => new()
    {
        TraceId = traceId,
        OccurredAt = at,
        Identifier = "demo.active",
        IdentifierKind = "username",
        Method = SignInMethod.Password,
        Succeeded = false,
        ReasonCode = "invalid_credentials",
        ShownReasonCode = "invalid_credentials",
        ClientIp = "192.0.2.1",
        UserAgent = "partition-test",
    };
}
