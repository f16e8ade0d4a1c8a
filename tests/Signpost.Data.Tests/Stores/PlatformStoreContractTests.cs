using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Audit;
using Signpost.Core.Organizations;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// What platform operators create and change (docs/platform-settings.md): organizations with their policy and
/// network ranges, accounts with their memberships and platform roles — each stored with its audit entry in
/// one transaction, and a failed entry keeps neither. Same on SQLite and PostgreSQL.
/// </summary>
public sealed class PlatformStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private sealed class Refused : Exception;

    /// <summary>Runs <paramref name="act"/> against the store in a scope of its own; its callback appends a real audit entry, then fails when asked to.</summary>
    private static Task ActAsync(StoreHost host, string action, Func<IPlatformStore, Func<CancellationToken, Task>, Task> act, bool failAfterEntry = false) =>
        host.WithAsync<IServiceProvider>(services =>
        {
            var trail = new AuditTrail(services.GetRequiredService<IAuditStore>(), TimeProvider.System);
            return act(services.GetRequiredService<IPlatformStore>(), async ct =>
            {
                await trail.RecordAsync(new AuditActor("contract test", null, null, null), new AuditRecord(action, "test", action, null, null, null), ct);
                if (failAfterEntry)
                {
                    throw new Refused();
                }
            });
        });

    private static Task<List<string>> ActionsAsync(StoreHost host) =>
        host.DbAsync(db => db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync());

    private static Organization NewOrganization(string slug) => new() { Slug = slug, Name = $"Practice {slug}", TimeZone = "America/Chicago", CreatedAt = Now };

    private static Account NewAccount(string username, Guid organizationId) => new()
    {
        Username = username,
        NormalizedUsername = Account.Normalize(username),
        Email = $"{username}@platform.example",
        NormalizedEmail = Account.Normalize($"{username}@platform.example"),
        DisplayName = username,
        CreatedAt = Now,
        Memberships = [new Membership { OrganizationId = organizationId, Roles = PracticeRoles.Staff | PracticeRoles.Provider, CreatedAt = Now }],
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddThenChange_OrganizationAndAccount_AreStored_WithAnAuditEntryEach(string provider)
    {
        var host = await StartAsync(provider);
        var organization = NewOrganization("platform");
        await ActAsync(host, "organization.create", (store, audit) => store.AddOrganizationAsync(organization, audit, CancellationToken.None));
        var account = NewAccount("pat.platform", organization.Id);
        await ActAsync(host, "account.create", (store, audit) => store.AddAccountAsync(account, audit, CancellationToken.None));

        await ActAsync(host, "organization.policy", async (store, audit) =>
        {
            var found = (await store.FindOrganizationForChangeAsync("platform", CancellationToken.None))!;
            found.Policy.LockoutThreshold = 3;
            found.NetworkRanges = [new NetworkRange { Cidr = "203.0.113.0/24", Label = "LAN" }];
            found.Name = "Renamed Practice";
            await store.SaveOrganizationAsync(found, policyChanged: true, audit, CancellationToken.None);
        });
        await ActAsync(host, "platform.grant", async (store, audit) =>
        {
            var found = (await store.FindAccountForChangeAsync(Account.Normalize("pat.platform@platform.example"), CancellationToken.None))!;
            found.PlatformRoles = PlatformRoles.SupportAgent;
            await store.SaveAccountAsync(found, audit, CancellationToken.None);
        });

        var stored = await host.DbAsync(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Id == organization.Id));
        Assert.Equal(("Renamed Practice", 3, "203.0.113.0/24"), (stored.Name, stored.Policy.LockoutThreshold, Assert.Single(stored.NetworkRanges).Cidr));
        var person = await host.DbAsync(db => db.Accounts.AsNoTracking().Include(a => a.Memberships).SingleAsync(a => a.Id == account.Id));
        Assert.Equal(PlatformRoles.SupportAgent, person.PlatformRoles);
        Assert.Equal(organization.Id, Assert.Single(person.Memberships).OrganizationId);
        Assert.Null(await host.WithAsync<IPlatformStore, Account?>(store => store.FindAccountForChangeAsync("nobody", CancellationToken.None)));
        Assert.Equal(["organization.create", "account.create", "organization.policy", "platform.grant"], await ActionsAsync(host));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EveryWrite_CallbackFails_KeepsNeitherTheChangeNorItsEntry(string provider)
    {
        var host = await StartAsync(provider);
        var organization = NewOrganization("kept");
        await ActAsync(host, "organization.create", (store, audit) => store.AddOrganizationAsync(organization, audit, CancellationToken.None));
        var account = NewAccount("kept.person", organization.Id);
        await ActAsync(host, "account.create", (store, audit) => store.AddAccountAsync(account, audit, CancellationToken.None));

        await Assert.ThrowsAsync<Refused>(() => ActAsync(host, "organization.create",
            (store, audit) => store.AddOrganizationAsync(NewOrganization("lost"), audit, CancellationToken.None), failAfterEntry: true));
        await Assert.ThrowsAsync<Refused>(() => ActAsync(host, "account.create",
            (store, audit) => store.AddAccountAsync(NewAccount("lost.person", organization.Id), audit, CancellationToken.None), failAfterEntry: true));
        await Assert.ThrowsAsync<Refused>(() => ActAsync(host, "organization.policy", async (store, audit) =>
        {
            var found = (await store.FindOrganizationForChangeAsync("kept", CancellationToken.None))!;
            found.Policy.LockoutThreshold = 2;
            await store.SaveOrganizationAsync(found, policyChanged: true, audit, CancellationToken.None);
        }, failAfterEntry: true));
        await Assert.ThrowsAsync<Refused>(() => ActAsync(host, "platform.grant", async (store, audit) =>
        {
            var found = (await store.FindAccountForChangeAsync(Account.Normalize("kept.person"), CancellationToken.None))!;
            found.PlatformRoles = PlatformRoles.PlatformAdmin;
            await store.SaveAccountAsync(found, audit, CancellationToken.None);
        }, failAfterEntry: true));

        Assert.Equal(["kept"], await host.DbAsync(db => db.Organizations.AsNoTracking().Select(o => o.Slug).ToListAsync()));
        Assert.Equal(["kept.person"], await host.DbAsync(db => db.Accounts.AsNoTracking().Select(a => a.Username).ToListAsync()));
        Assert.Equal(new OrganizationPolicy().LockoutThreshold, (await host.DbAsync(db => db.Organizations.AsNoTracking().SingleAsync())).Policy.LockoutThreshold);
        Assert.Equal(PlatformRoles.None, (await host.DbAsync(db => db.Accounts.AsNoTracking().SingleAsync())).PlatformRoles);
        Assert.Equal(["organization.create", "account.create"], await ActionsAsync(host));
    }
}
