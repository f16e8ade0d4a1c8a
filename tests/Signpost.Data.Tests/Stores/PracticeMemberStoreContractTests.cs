using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Audit;
using Signpost.Core.Organizations;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// A practice administrator's act on one person (docs/admin-console.md): the change, the raised version and the
/// audit entry commit together; an administrator who read an older version changes nothing; a failed entry keeps
/// nothing. Same on SQLite and PostgreSQL.
/// </summary>
public sealed class PracticeMemberStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private sealed class Refused : Exception;

    private static async Task<(Guid AccountId, Guid Home, Guid Other)> ArrangeAsync(StoreHost host)
    {
        var home = new Organization { Slug = "home", Name = "Home Practice", CreatedAt = Now };
        var other = new Organization { Slug = "other", Name = "Other Practice", CreatedAt = Now };
        var accountId = await host.AddAccountAsync("member.person");
        await host.DbAsync(async db =>
        {
            db.Organizations.AddRange(home, other);
            db.Memberships.Add(new Membership { AccountId = accountId, OrganizationId = home.Id, Roles = PracticeRoles.Staff, CreatedAt = Now });
            await db.SaveChangesAsync();
        });
        return (accountId, home.Id, other.Id);
    }

    /// <summary>Reads the person in a scope of its own, lets <paramref name="change"/> act on them, and audits the act with a real entry (failing after it when asked to).</summary>
    private static Task<string?> ActAsync(StoreHost host, Guid accountId, string action, Action<IPracticeMemberStore, Account> change, bool failAfterEntry = false, Func<Task>? betweenReadAndWrite = null) =>
        host.WithAsync<IServiceProvider, string?>(async services =>
        {
            var store = services.GetRequiredService<IPracticeMemberStore>();
            var account = (await store.FindForChangeAsync(accountId, CancellationToken.None))!;
            if (betweenReadAndWrite is not null)
            {
                await betweenReadAndWrite();
            }

            var trail = new AuditTrail(services.GetRequiredService<IAuditStore>(), TimeProvider.System);
            return await store.TryChangeAsync(account, _ =>
            {
                change(store, account);
                return Task.FromResult($"{action} done.");
            }, async ct =>
            {
                await trail.RecordAsync(new AuditActor("contract test", null, null, null), new AuditRecord(action, "account", accountId.ToString(), null, null, null), ct);
                if (failAfterEntry)
                {
                    throw new Refused();
                }
            }, CancellationToken.None);
        });

    private static Task<Account> StoredAsync(StoreHost host, Guid accountId) =>
        host.DbAsync(db => db.Accounts.AsNoTracking().Include(a => a.Memberships).SingleAsync(a => a.Id == accountId));

    private static Task<List<string>> ActionsAsync(StoreHost host) =>
        host.DbAsync(db => db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync());

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryChangeAsync_StoresTheChangeAndANewMembership_RaisesTheVersion_AndCommitsTheEntry(string provider)
    {
        var host = await StartAsync(provider);
        var (accountId, home, other) = await ArrangeAsync(host);

        var message = await ActAsync(host, accountId, "membership.reassign", (store, account) =>
        {
            account.Memberships.Single(m => m.OrganizationId == home).Status = MembershipStatus.Removed;
            store.AddMembership(account, new Membership { AccountId = accountId, OrganizationId = other, Roles = PracticeRoles.Provider, CreatedAt = Now });
        });

        var stored = await StoredAsync(host, accountId);
        Assert.Equal("membership.reassign done.", message);
        Assert.Equal(1, stored.Version);
        Assert.Equal(MembershipStatus.Removed, stored.Memberships.Single(m => m.OrganizationId == home).Status);
        Assert.Equal(PracticeRoles.Provider, stored.Memberships.Single(m => m.OrganizationId == other).Roles);
        Assert.Equal(["membership.reassign"], await ActionsAsync(host));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryChangeAsync_SomeoneElseChangedThePersonSinceTheRead_ChangesNothing_AndTheNextReadSeesTheirChange(string provider)
    {
        var host = await StartAsync(provider);
        var (accountId, _, _) = await ArrangeAsync(host);

        var late = await ActAsync(host, accountId, "account.disable", (_, account) => account.Status = AccountStatus.Disabled,
            betweenReadAndWrite: async () => Assert.NotNull(await ActAsync(host, accountId, "account.unlock", (_, account) => account.DisplayName = "Changed First")));

        var stored = await StoredAsync(host, accountId);
        Assert.Null(late);
        Assert.Equal((AccountStatus.Active, "Changed First", 1), (stored.Status, stored.DisplayName, stored.Version));
        Assert.Equal(["account.unlock"], await ActionsAsync(host));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryChangeAsync_CallbackFails_KeepsNeitherTheChangeNorItsEntry(string provider)
    {
        var host = await StartAsync(provider);
        var (accountId, _, other) = await ArrangeAsync(host);

        await Assert.ThrowsAsync<Refused>(() => ActAsync(host, accountId, "membership.add", (store, account) =>
        {
            account.Status = AccountStatus.Disabled;
            store.AddMembership(account, new Membership { AccountId = accountId, OrganizationId = other, CreatedAt = Now });
        }, failAfterEntry: true));

        var stored = await StoredAsync(host, accountId);
        Assert.Equal((AccountStatus.Active, 0), (stored.Status, stored.Version));
        Assert.Single(stored.Memberships);
        Assert.Empty(await ActionsAsync(host));
    }
}
