using Microsoft.EntityFrameworkCore;
using Signpost.Core.Tokens;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>A link token is single-use even when the same link is opened twice at once, on two nodes.</summary>
public sealed class ActionTokenStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryUseAsync_FiftyConcurrentUses_ExactlyOneSucceeds(string provider)
    {
        var host = await StartAsync(provider);
        var token = NewToken(ActionTokenPurpose.PasswordReset, "a1");
        await host.WithAsync<IActionTokenStore>(store => store.AddAsync(token, CancellationToken.None));

        var uses = await ConcurrentlyAsync(50, i => host.WithAsync<IActionTokenStore, bool>(store =>
            store.TryUseAsync(token.Id, Now.AddMilliseconds(i), CancellationToken.None)));

        var winner = Assert.Single(uses.Select((used, i) => (used, i)), u => u.used).i;
        var stored = await host.WithAsync<IActionTokenStore, ActionToken?>(store => store.FindAsync(token.TokenHash, CancellationToken.None));
        Assert.Equal(Now.AddMilliseconds(winner), stored!.UsedAt);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RevokeAllAsync_OneAccountAndPurpose_UsesOnlyThoseTokens(string provider)
    {
        var host = await StartAsync(provider);
        var reset = NewToken(ActionTokenPurpose.PasswordReset, "b1");
        var otherPurpose = NewToken(ActionTokenPurpose.Unlock, "b2", reset.AccountId);
        var otherAccount = NewToken(ActionTokenPurpose.PasswordReset, "b3");
        foreach (var token in new[] { reset, otherPurpose, otherAccount })
        {
            await host.WithAsync<IActionTokenStore>(store => store.AddAsync(token, CancellationToken.None));
        }

        await host.WithAsync<IActionTokenStore>(store => store.RevokeAllAsync(reset.AccountId, ActionTokenPurpose.PasswordReset, Now, CancellationToken.None));

        var usedAt = await host.DbAsync(db => db.ActionTokens.AsNoTracking().ToDictionaryAsync(t => t.TokenHash, t => t.UsedAt));
        Assert.Equal(Now, usedAt[reset.TokenHash]);
        Assert.Null(usedAt[otherPurpose.TokenHash]);
        Assert.Null(usedAt[otherAccount.TokenHash]);
        Assert.False(await host.WithAsync<IActionTokenStore, bool>(store => store.TryUseAsync(reset.Id, Now, CancellationToken.None)));
        Assert.Equal(1, await host.WithAsync<IActionTokenStore, int>(store =>
            store.CountIssuedSinceAsync(reset.AccountId, ActionTokenPurpose.PasswordReset, Now.AddHours(-1), CancellationToken.None)));
    }

    private static ActionToken NewToken(ActionTokenPurpose purpose, string hashSeed, Guid? accountId = null) => new()
    {
        AccountId = accountId ?? Guid.NewGuid(),
        Purpose = purpose,
        TokenHash = hashSeed.PadRight(64, '0'),
        CreatedAt = Now.AddMinutes(-5),
        ExpiresAt = Now.AddHours(1),
        PasswordStamp = Now.AddDays(-30),
    };
}
