using Microsoft.EntityFrameworkCore;
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
