using System.Net;
using Signpost.Postgres.Tests.Infrastructure;

namespace Signpost.Postgres.Tests.Faults;

/// <summary>
/// A load balancer asking a node on PostgreSQL (docs/deployment.md, "Health checks"): while the server is
/// stopped <c>/readyz</c> answers 503 and <c>/healthz</c> stays 200 (the node is alive, do not restart it);
/// once the server is back the node is ready again by itself.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class ReadinessTests(PostgresServer postgres)
{
    [Fact]
    public async Task Readyz_PostgresStopped_Unhealthy_AliveStill_ReadyAgainWhenItIsBack()
    {
        // Arrange
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        await using var node = await SignpostNode.StartAsync("R", connectionString, demo: true);
        using var client = node.CreateClient(timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("readyz", UriKind.Relative))).StatusCode);

        HttpStatusCode ready, live;
        await postgres.StopAsync("fast");
        try
        {
            // Act
            ready = (await client.GetAsync(new Uri("readyz", UriKind.Relative))).StatusCode;
            live = (await client.GetAsync(new Uri("healthz", UriKind.Relative))).StatusCode;
        }
        finally
        {
            await postgres.StartAsync();
        }

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready);
        Assert.Equal(HttpStatusCode.OK, live);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var again = HttpStatusCode.ServiceUnavailable;
        while (again != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            again = (await client.GetAsync(new Uri("readyz", UriKind.Relative))).StatusCode;
        }

        Assert.True(again == HttpStatusCode.OK, $"/readyz did not recover within 20 s:\n{node.Output}");
    }
}
