using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Audit;
using Signpost.Core.Organizations;
using Signpost.Core.SingleSignOn;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// Operators' edits of a connection (docs/sso.md): a new connection and a change are stored with their audit
/// entry in one transaction, and a failed entry keeps neither. Same on SQLite and PostgreSQL.
/// </summary>
public sealed class SsoConnectionStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private sealed class Refused : Exception;

    private static async Task<Guid> AddOrganizationAsync(StoreHost host, string slug)
    {
        var practice = new Organization { Slug = slug, Name = $"Practice {slug}", CreatedAt = Now.AddYears(-1) };
        await host.DbAsync(async db =>
        {
            db.Organizations.Add(practice);
            await db.SaveChangesAsync();
        });
        return practice.Id;
    }

    /// <summary>Stores through the store in a scope of its own, the callback appending a real audit entry (and optionally failing after it).</summary>
    private static Task SaveAsync(StoreHost host, Guid organizationId, string clientId, string action, bool failAfterEntry = false) =>
        host.WithAsync<IServiceProvider>(async services =>
        {
            var store = services.GetRequiredService<ISsoConnectionStore>();
            var connection = await store.FindForChangeAsync(organizationId, CancellationToken.None)
                ?? new SsoConnection { OrganizationId = organizationId, DiscoveryUrl = $"https://login.example{SsoConnection.WellKnownSuffix}", ClientId = "", CreatedAt = Now };
            connection.ClientId = clientId;
            connection.UpdatedAt = Now;
            var trail = new AuditTrail(services.GetRequiredService<IAuditStore>(), TimeProvider.System);
            await store.SaveAsync(connection, async ct =>
            {
                await trail.RecordAsync(new AuditActor("contract test", null, null, null), new AuditRecord(action, "sso_connection", connection.Id.ToString(), organizationId, null, new { clientId }), ct);
                if (failAfterEntry)
                {
                    throw new Refused();
                }
            }, CancellationToken.None);
        });

    /// <summary>A connection with a link and a health record, written directly: what a sign-in and a health run leave behind.</summary>
    private static async Task<Guid> AddUsedConnectionAsync(StoreHost host, string slug)
    {
        var organizationId = await AddOrganizationAsync(host, slug);
        var connection = new SsoConnection { OrganizationId = organizationId, DiscoveryUrl = $"https://{slug}.example{SsoConnection.WellKnownSuffix}", ClientId = slug, CreatedAt = Now, UpdatedAt = Now };
        await host.DbAsync(async db =>
        {
            db.SsoConnections.Add(connection);
            db.SsoLinks.Add(new SsoLink { ConnectionId = connection.Id, Subject = $"{slug}-user", AccountId = Guid.NewGuid(), LinkedBy = "email", LinkedAt = Now });
            db.SsoHealthRecords.Add(new SsoHealthRecord { ConnectionId = connection.Id, CheckedAt = Now, Status = SsoHealthStatus.Healthy, Findings = "[]" });
            await db.SaveChangesAsync();
        });
        return organizationId;
    }

    private static Task RemoveAsync(StoreHost host, Guid organizationId, bool failAfterEntry = false) =>
        host.WithAsync<IServiceProvider>(async services =>
        {
            var store = services.GetRequiredService<ISsoConnectionStore>();
            var connection = await store.FindForChangeAsync(organizationId, CancellationToken.None) ?? throw new InvalidOperationException("no connection");
            var trail = new AuditTrail(services.GetRequiredService<IAuditStore>(), TimeProvider.System);
            await store.RemoveAsync(connection, async ct =>
            {
                await trail.RecordAsync(new AuditActor("contract test", null, null, null), new AuditRecord("sso.remove", "sso_connection", connection.Id.ToString(), organizationId, null, null), ct);
                if (failAfterEntry)
                {
                    throw new Refused();
                }
            }, CancellationToken.None);
        });

    private static Task<(int Connections, int Links, int Health)> CountsAsync(StoreHost host) =>
        host.DbAsync(async db => (await db.SsoConnections.CountAsync(), await db.SsoLinks.CountAsync(), await db.SsoHealthRecords.CountAsync()));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RemoveAsync_TakesTheConnectionsLinksAndHealthHistoryWithIt_AndNoOtherConnections(string provider)
    {
        var host = await StartAsync(provider);
        var removed = await AddUsedConnectionAsync(host, "removed");
        var kept = await AddUsedConnectionAsync(host, "kept");

        await RemoveAsync(host, removed);

        Assert.Equal((1, 1, 1), await CountsAsync(host));
        Assert.Equal("kept-user", (await host.DbAsync(db => db.SsoLinks.AsNoTracking().SingleAsync())).Subject);
        Assert.Equal(kept, (await host.DbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync())).OrganizationId);
        Assert.Equal(["sso.remove"], await ActionsAsync(host));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RemoveAsync_CallbackFails_RemovesNothing(string provider)
    {
        var host = await StartAsync(provider);
        var organizationId = await AddUsedConnectionAsync(host, "stays");

        await Assert.ThrowsAsync<Refused>(() => RemoveAsync(host, organizationId, failAfterEntry: true));

        Assert.Equal((1, 1, 1), await CountsAsync(host));
        Assert.Empty(await ActionsAsync(host));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Database_RefusesALinkOrHealthRecordOfNoConnection(string provider)
    {
        // The foreign keys themselves: nothing can leave a link or a health record behind its connection.
        var host = await StartAsync(provider);

        await Assert.ThrowsAsync<DbUpdateException>(() => host.DbAsync(async db =>
        {
            db.SsoLinks.Add(new SsoLink { ConnectionId = Guid.NewGuid(), Subject = "orphan", AccountId = Guid.NewGuid(), LinkedBy = "email", LinkedAt = Now });
            await db.SaveChangesAsync();
        }));
        await Assert.ThrowsAsync<DbUpdateException>(() => host.DbAsync(async db =>
        {
            db.SsoHealthRecords.Add(new SsoHealthRecord { ConnectionId = Guid.NewGuid(), CheckedAt = Now, Status = SsoHealthStatus.Failing, Findings = "[]" });
            await db.SaveChangesAsync();
        }));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migration_SsoCascade_DeletesOrphansOfEarlierRemovals_AndKeepsEverythingElse(string provider)
    {
        // A database from before the foreign keys, holding a link and a health record whose connection is gone:
        // upgrading must delete those two (PostgreSQL cannot add the keys while they remain) and nothing else.
        var host = await StartAsync(provider);
        var kept = await AddUsedConnectionAsync(host, "upgraded");
        var migrations = await host.DbAsync(db => Task.FromResult(db.Database.GetMigrations().ToList()));
        var before = migrations[migrations.FindIndex(m => m.EndsWith("_SsoCascade", StringComparison.Ordinal)) - 1];
        await host.DbAsync(db => db.GetInfrastructure().GetRequiredService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync(before));
        await host.DbAsync(async db =>
        {
            db.SsoLinks.Add(new SsoLink { ConnectionId = Guid.NewGuid(), Subject = "orphan", AccountId = Guid.NewGuid(), LinkedBy = "email", LinkedAt = Now });
            db.SsoHealthRecords.Add(new SsoHealthRecord { ConnectionId = Guid.NewGuid(), CheckedAt = Now, Status = SsoHealthStatus.Failing, Findings = "[]" });
            await db.SaveChangesAsync();
        });
        Assert.Equal(2, await host.DbAsync(db => db.SsoLinks.CountAsync()));

        await host.DbAsync(db => db.Database.MigrateAsync());

        Assert.Equal((1, 1, 1), await CountsAsync(host));
        Assert.Equal("upgraded-user", (await host.DbAsync(db => db.SsoLinks.AsNoTracking().SingleAsync())).Subject);
        // The connection that existed before the setting reads userinfo, the standard behaviour.
        Assert.True((await host.DbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.OrganizationId == kept))).UseUserInfo);
    }

    private static Task<List<string>> ActionsAsync(StoreHost host) =>
        host.DbAsync(db => db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync());

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SaveAsync_NewThenChanged_KeepsOneConnectionPerOrganization_WithAnAuditEntryEach(string provider)
    {
        var host = await StartAsync(provider);
        var organizationId = await AddOrganizationAsync(host, "edits");

        await SaveAsync(host, organizationId, "first-client", "sso.create");
        await SaveAsync(host, organizationId, "second-client", "sso.update");

        var stored = await host.DbAsync(db => db.SsoConnections.AsNoTracking().Where(c => c.OrganizationId == organizationId).ToListAsync());
        Assert.Equal("second-client", Assert.Single(stored).ClientId);
        Assert.Equal(["sso.create", "sso.update"], await ActionsAsync(host));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SaveAsync_CallbackFails_KeepsNeitherTheChangeNorItsEntry(string provider)
    {
        var host = await StartAsync(provider);
        var organizationId = await AddOrganizationAsync(host, "refused");
        await SaveAsync(host, organizationId, "kept-client", "sso.create");

        await Assert.ThrowsAsync<Refused>(() => SaveAsync(host, organizationId, "lost-client", "sso.update", failAfterEntry: true));
        var never = await AddOrganizationAsync(host, "never");
        await Assert.ThrowsAsync<Refused>(() => SaveAsync(host, never, "new-client", "sso.create", failAfterEntry: true));

        var stored = await host.DbAsync(db => db.SsoConnections.AsNoTracking().ToListAsync());
        Assert.Equal("kept-client", Assert.Single(stored).ClientId);
        Assert.Equal(["sso.create"], await ActionsAsync(host));
    }
}
