using Microsoft.EntityFrameworkCore;
using Signpost.Core.Organizations;
using Signpost.Core.SingleSignOn;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>A health check's record joins the connection's history and stamps the connection, without touching its configuration stamp (docs/sso.md).</summary>
public sealed class SsoHealthStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RecordAsync_AddsToTheHistory_AndStampsOnlyThatConnectionsHealth(string provider)
    {
        var host = await StartAsync(provider);
        var (connection, other) = (Connection("health"), Connection("other"));
        await host.DbAsync(async db =>
        {
            db.SsoConnections.AddRange(connection, other);
            await db.SaveChangesAsync();
        });

        foreach (var (at, status) in new[] { (Now.AddHours(-1), SsoHealthStatus.Healthy), (Now, SsoHealthStatus.Failing) })
        {
            await host.WithAsync<ISsoHealthStore>(store => store.RecordAsync(new SsoHealthRecord
            {
                ConnectionId = connection.Id, CheckedAt = at, Status = status, Findings = """[{"check":"discovery","ok":false}]""", EarliestExpiry = Now.AddDays(20),
            }, CancellationToken.None));
        }

        var history = await host.DbAsync(db => db.SsoHealthRecords.AsNoTracking().OrderBy(r => r.Id).ToListAsync());
        var stamped = await host.DbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Id == connection.Id));
        var untouched = await host.DbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Id == other.Id));
        Assert.Equal([(connection.Id, Now.AddHours(-1), SsoHealthStatus.Healthy), (connection.Id, Now, SsoHealthStatus.Failing)],
            history.Select(r => (r.ConnectionId, r.CheckedAt, r.Status)));
        Assert.All(history, r => Assert.Equal(("""[{"check":"discovery","ok":false}]""", (DateTimeOffset?)Now.AddDays(20)), (r.Findings, r.EarliestExpiry)));
        Assert.Equal(((SsoHealthStatus?)SsoHealthStatus.Failing, (DateTimeOffset?)Now, Now.AddDays(-3)), (stamped.HealthStatus, stamped.HealthCheckedAt, stamped.UpdatedAt));
        Assert.Null(untouched.HealthCheckedAt);
    }

    private static SsoConnection Connection(string slug)
    {
        var practice = new Organization { Slug = slug, Name = $"Practice {slug}", CreatedAt = Now.AddYears(-1) };
        return new SsoConnection
        {
            OrganizationId = practice.Id,
            Organization = practice,
            DiscoveryUrl = $"https://login.{slug}.example{SsoConnection.WellKnownSuffix}",
            ClientId = "portal",
            CreatedAt = Now.AddDays(-3),
            UpdatedAt = Now.AddDays(-3),
        };
    }
}
