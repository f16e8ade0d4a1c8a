using System.Net;
using Npgsql;
using Signpost.Postgres.Tests.Infrastructure;

namespace Signpost.Postgres.Tests.Faults;

/// <summary>
/// An exhausted connection pool (a long lock, a slow query, a pool sized too small) must give a clear 503
/// with the "service degraded" reason within seconds, not requests that hang until the client gives up.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class ConnectionPoolTests(PostgresServer postgres, ITestOutputHelper log)
{
    private static readonly TimeSpan MaxAnswerTime = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SignIns_WhileAccountsTableIsLockedAndThePoolIsSmall_AnswerServiceDegradedQuicklyThenRecover()
    {
        // Arrange: a node with a three-connection pool that waits two seconds for a free connection.
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        await using var node = await SignpostNode.StartAsync("A", connectionString + ";Maximum Pool Size=3;Timeout=2", demo: true);
        using var client = node.CreateClient(timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, (await client.SignInAsync(Demo.Active, Demo.Password)).Status);

        // Another session holds the accounts table: every sign-in's first account read waits behind it.
        await using var blocker = new NpgsqlConnection(connectionString + ";Pooling=false");
        await blocker.OpenAsync();
        var transaction = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("""LOCK TABLE "Accounts" IN ACCESS EXCLUSIVE MODE""", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        // Act: ten sign-ins at once.
        SignInAnswer[] answers;
        try
        {
            answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => client.SignInAsync(Demo.Active, Demo.Password))));
        }
        finally
        {
            await transaction.RollbackAsync();
        }

        var afterRelease = await SignInWithinAsync(client, TimeSpan.FromSeconds(10));

        // Assert: every one answered quickly with the reason; after the lock, sign-ins work again.
        var report = string.Join("\n", answers.Select(a => a.ToString())) + $"\n--- node:\n{node.Output}";
        log.WriteLine(string.Join("\n", answers.Select(a => a.ToString())) + $"\nafter the lock: {afterRelease}");
        var slow = answers.Count(a => a.Elapsed >= MaxAnswerTime);
        Assert.True(slow == 0, $"{slow} of 10 answers took {MaxAnswerTime.TotalSeconds:0} s or longer:\n{report}");
        var unexpected = answers.Count(a => (a.Status, a.Code) != (HttpStatusCode.ServiceUnavailable, "service_degraded"));
        Assert.True(unexpected == 0, $"{unexpected} of 10 answers were not 503 service_degraded:\n{report}");
        Assert.Equal((HttpStatusCode.OK, "signed_in"), (afterRelease.Status, afterRelease.Code));
    }

    /// <summary>Signs in until it works or <paramref name="limit"/> passes; returns the last answer.</summary>
    private static async Task<SignInAnswer> SignInWithinAsync(HttpClient client, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var answer = await client.SignInAsync(Demo.Active, Demo.Password);
            if (answer.Status == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                return answer;
            }

            await Task.Delay(250);
        }
    }
}
