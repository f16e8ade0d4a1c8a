using System.Text.RegularExpressions;
using Signpost.Postgres.Tests.Infrastructure;

namespace Signpost.Postgres.Tests.Nodes;

/// <summary>
/// Scheduled work runs once across nodes: each job runs only on the node holding its lease in the database
/// (Setup/JobLeases.cs), which logs "Running scheduled job {Job} on node {Node}" (event 2101) for every run —
/// at Debug, since it is per-tick chatter (docs/observability.md), so these nodes turn Debug on for it.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed partial class ScheduledJobTests(PostgresServer postgres)
{
    private const string Job = "maintenance-notifier";

    [Fact]
    public async Task MaintenanceNotifier_EverySecondOnTwoNodes_RunsOnOneNodeOnly()
    {
        // Arrange: both nodes tick every second and log each run.
        await using var nodes = await TwoNodes.StartAsync(postgres, null,
            "Signpost:Notifier:IntervalSeconds=1", "Logging:LogLevel:Signpost.Web.Setup.JobLeases=Debug");

        // Act: let both tick for about six seconds.
        await Task.Delay(TimeSpan.FromSeconds(6));

        // Assert: one node ran the job, at nearly every tick; the other never did.
        var runsOnA = Runs(nodes.A.Output);
        var runsOnB = Runs(nodes.B.Output);
        var report = $"node A ran {runsOnA.Count} times, node B {runsOnB.Count} times.\n--- A:\n{nodes.A.Output}\n--- B:\n{nodes.B.Output}";
        Assert.True((runsOnA.Count == 0) ^ (runsOnB.Count == 0), report);
        var runs = runsOnA.Count > 0 ? runsOnA : runsOnB;
        Assert.True(runs.Count >= 4, report);
        var holder = Assert.Single(runs.Distinct());
        var lease = await Rows.SingleAsync(nodes.ConnectionString, """SELECT "Holder" FROM "Leases" WHERE "Name" = @job""",
            r => r.GetString(0), ("job", Job));
        Assert.Equal(holder, lease);
    }

    /// <summary>The node named in each "Running scheduled job maintenance-notifier" line.</summary>
    private static List<string> Runs(string output) =>
        RunLine().Matches(output).Select(m => m.Groups["node"].Value).ToList();

    [GeneratedRegex(@"Running scheduled job maintenance-notifier on node (?<node>\S+)")]
    private static partial Regex RunLine();
}
