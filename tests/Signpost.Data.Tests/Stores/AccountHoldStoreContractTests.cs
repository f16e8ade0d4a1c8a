using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// Holds for review (docs/support-console.md): the flag changes once however many agents act at once, and
/// what goes with the change (ending sessions, the audit entry) commits with it or not at all.
/// </summary>
public sealed class AccountHoldStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private static Task<bool> SetAsync(StoreHost host, Guid accountId, bool held, Func<IServiceProvider, CancellationToken, Task> withChange) =>
        host.WithAsync<IServiceProvider, bool>(services => services.GetRequiredService<IAccountHoldStore>()
            .TrySetHeldAsync(accountId, held, ct => withChange(services, ct), CancellationToken.None));

    private static Task<(bool Flagged, int Version)> StateAsync(StoreHost host, Guid accountId) => host.DbAsync(async db =>
    {
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId);
        return (account.Flagged, account.Version);
    });

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TrySetHeldAsync_HoldThenRelease_ChangesOnceEach_AndCommitsTheAuditEntryWithIt(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = await host.AddAccountAsync("held.person");
        var calls = 0;
        Task Audit(IServiceProvider services, CancellationToken ct)
        {
            calls++;
            return AuditedWrites.RecordAsync(services, "account.hold", accountId.ToString(), ct);
        }

        var held = await SetAsync(host, accountId, true, Audit);
        var heldAgain = await SetAsync(host, accountId, true, Audit);
        var afterHold = await StateAsync(host, accountId);
        var released = await SetAsync(host, accountId, false, (services, ct) => AuditedWrites.RecordAsync(services, "account.release", accountId.ToString(), ct));

        Assert.Equal((true, false, true), (held, heldAgain, released));
        Assert.Equal(1, calls);
        Assert.Equal((true, 1), afterHold);
        Assert.Equal((false, 2), await StateAsync(host, accountId));
        Assert.Equal(["account.hold", "account.release"], await AuditedWrites.ActionsAsync(host));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TrySetHeldAsync_CallbackFails_KeepsNeitherTheHoldNorItsAuditEntry(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = await host.AddAccountAsync("not.held");

        await Assert.ThrowsAsync<AuditedWrites.Refused>(() => SetAsync(host, accountId, true, async (services, ct) =>
        {
            await AuditedWrites.RecordAsync(services, "account.hold", accountId.ToString(), ct);
            throw new AuditedWrites.Refused();
        }));

        Assert.Equal((false, 0), await StateAsync(host, accountId));
        Assert.Empty(await AuditedWrites.ActionsAsync(host));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TrySetHeldAsync_TenAgentsAtOnce_OneHolds_AndAnUnknownAccountIsNoHold(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = await host.AddAccountAsync("contested");

        var results = await ConcurrentlyAsync(10, _ => SetAsync(host, accountId, true, (services, ct) => AuditedWrites.RecordAsync(services, "account.hold", accountId.ToString(), ct)));
        var unknown = await SetAsync(host, Guid.NewGuid(), true, (_, _) => throw new AuditedWrites.Refused());

        Assert.Single(results, r => r);
        Assert.False(unknown);
        Assert.Equal((true, 1), await StateAsync(host, accountId));
        Assert.Equal(["account.hold"], await AuditedWrites.ActionsAsync(host));
    }
}
