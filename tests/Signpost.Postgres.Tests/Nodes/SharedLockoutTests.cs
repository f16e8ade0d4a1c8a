using System.Net;
using Signpost.Postgres.Tests.Infrastructure;

namespace Signpost.Postgres.Tests.Nodes;

/// <summary>
/// The lockout threshold holds across nodes: an attacker who spreads guesses over every node behind the
/// load balancer gets exactly the threshold, not the threshold per node (compare CVE-2023-33170).
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class SharedLockoutTests(PostgresServer postgres)
{
    [Fact]
    public async Task WrongPasswords_FortyAtOnceSplitAcrossTwoNodes_CountExactlyTheThresholdAndLockOnce()
    {
        // Arrange: two nodes, one client each, no cookies: every attempt comes from an untrusted browser.
        // The burst opens about twenty connections per node at once; on a busy two-core CI machine that can
        // take longer than the default 5 s connect timeout, and this test is about counting, not timeouts.
        // For the same reason each node's hash admission gate lets all twenty wait rather than refuse the
        // excess with rate_limited (docs/security.md, "Admission before the hash"; HashAdmissionTests has that).
        await using var nodes = await TwoNodes.StartAsync(postgres, "Timeout=15", "Signpost:HashAdmission:UntrustedQueue=64");
        using var toA = nodes.A.CreateClient();
        using var toB = nodes.B.CreateClient();
        var accountId = await Rows.AccountIdAsync(nodes.ConnectionString, Demo.Admin);

        // Act: 40 wrong passwords for one account at once, alternating between the nodes.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await (i % 2 == 0 ? toA : toB).SignInAsync(Demo.Admin, Demo.WrongPassword);
        })).ToList();
        start.SetResult();
        var answers = await Task.WhenAll(attempts);

        // Assert: every attempt looks the same to the untrusted browser (a lock shows only after a proven
        // password), and each was recorded under its trace ID.
        var report = $"{string.Join("\n", answers.Select(a => a.ToString()))}\n--- node A:\n{nodes.A.Output}\n--- node B:\n{nodes.B.Output}";
        var unexpected = answers.Count(a => (a.Status, a.Code) != (HttpStatusCode.Unauthorized, "invalid_credentials"));
        Assert.True(unexpected == 0, $"{unexpected} of 40 answers were not 401 invalid_credentials:\n{report}");
        var events = await Rows.ReadAsync(nodes.ConnectionString,
            """SELECT "TraceId", "ReasonCode", "Detail" FROM "SignInEvents" WHERE "AccountId" = @id AND COALESCE("Detail", '') NOT LIKE 'demo history%'""",
            r => (TraceId: r.GetString(0), Reason: r.GetString(1), Detail: r.IsDBNull(2) ? "" : r.GetString(2)), ("id", accountId));
        Assert.Equal(answers.Select(a => a.TraceId).Order(), events.Select(e => e.TraceId).Order());

        // Exactly the threshold counted, each count once, and only the last one locked.
        var counted = events.Where(e => e.Reason == "invalid_credentials").ToList();
        var counts = string.Join("\n", counted.Select(e => e.Detail));
        Assert.True(counted.Count == Demo.LockoutThreshold, $"{counted.Count} failures counted, expected {Demo.LockoutThreshold}:\n{counts}");
        Assert.All(Enumerable.Range(1, Demo.LockoutThreshold), n =>
            Assert.Single(counted, e => e.Detail.Contains($"({n}/{Demo.LockoutThreshold} within", StringComparison.Ordinal)));
        Assert.Single(counted, e => e.Detail.Contains("this failure locked", StringComparison.Ordinal));
        Assert.All(events.Except(counted), e => Assert.Equal("account_locked", e.Reason));

        var counter = await Rows.SingleAsync(nodes.ConnectionString,
            """SELECT "FailureCount", "LockedUntil" FROM "LockoutCounters" WHERE "AccountId" = @id AND "DeviceKey" = '*'""",
            r => (Failures: r.GetInt32(0), LockedUntil: r.IsDBNull(1) ? (DateTime?)null : r.GetDateTime(1)), ("id", accountId));
        Assert.Equal(Demo.LockoutThreshold, counter.Failures);
        Assert.NotNull(counter.LockedUntil);
        Assert.True(counter.LockedUntil > DateTime.UtcNow, $"Locked until {counter.LockedUntil:O}, which has passed.");
    }
}
