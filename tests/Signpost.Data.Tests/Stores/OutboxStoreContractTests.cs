using Microsoft.EntityFrameworkCore;
using Signpost.Core.Email;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// The recovery emails' outbox on both databases: due messages oldest first, expired ones found for
/// dropping, a failed attempt recorded, and "stuck" meaning a server found down or a message waiting too long.
/// </summary>
public sealed class OutboxStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task DueAsync_OnlyMessagesDueAndNotExpired_OldestFirst_ExpiredFoundSeparately(string provider)
    {
        // Arrange
        var host = await StartAsync(provider);
        var older = Message(Now.AddMinutes(-3), next: Now.AddMinutes(-3), discard: Now.AddMinutes(27));
        var newer = Message(Now.AddMinutes(-1), next: Now, discard: Now.AddMinutes(29));
        var later = Message(Now.AddMinutes(-2), next: Now.AddSeconds(30), discard: Now.AddMinutes(28));
        var expired = Message(Now.AddMinutes(-40), next: Now.AddMinutes(-39), discard: Now.AddMinutes(-10));
        foreach (var message in new[] { newer, later, expired, older })
        {
            await host.WithAsync<IOutboxStore>(store => store.AddAsync(message, CancellationToken.None));
        }

        // Act
        var due = await host.WithAsync<IOutboxStore, IReadOnlyList<OutboxMessage>>(store => store.DueAsync(Now, 10, CancellationToken.None));
        var dropped = await host.WithAsync<IOutboxStore, IReadOnlyList<OutboxMessage>>(store => store.ExpiredAsync(Now, 10, CancellationToken.None));

        // Assert
        Assert.Equal([older.Id, newer.Id], due.Select(m => m.Id));
        Assert.Equal(expired.Id, Assert.Single(dropped).Id);
        Assert.Equal((older.Payload, older.TraceId, older.ActionTokenId, older.DiscardAt), (due[0].Payload, due[0].TraceId, due[0].ActionTokenId, due[0].DiscardAt));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RetryLaterThenDelete_RecordsTheAttempt_StuckUntilDelivered(string provider)
    {
        // Arrange: one fresh message.
        var host = await StartAsync(provider);
        var message = Message(Now, next: Now, discard: Now.AddMinutes(30));
        await host.WithAsync<IOutboxStore>(store => store.AddAsync(message, CancellationToken.None));
        var fresh = await host.WithAsync<IOutboxStore, bool>(store => store.AnyStuckAsync(Now - OutboxMessage.StalledAfter, CancellationToken.None));

        // Act: the server did not answer; retry in 5 s.
        await host.WithAsync<IOutboxStore>(store => store.RetryLaterAsync(message.Id, 1, Now.AddSeconds(5), new string('e', 900), Now, CancellationToken.None));
        var row = await host.DbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync());
        var downStuck = await host.WithAsync<IOutboxStore, bool>(store => store.AnyStuckAsync(Now - OutboxMessage.StalledAfter, CancellationToken.None));
        var notDueYet = await host.WithAsync<IOutboxStore, IReadOnlyList<OutboxMessage>>(store => store.DueAsync(Now, 10, CancellationToken.None));
        await host.WithAsync<IOutboxStore>(store => store.DeleteAsync(message.Id, CancellationToken.None));
        var delivered = await host.WithAsync<IOutboxStore, bool>(store => store.AnyStuckAsync(Now - OutboxMessage.StalledAfter, CancellationToken.None));

        // Assert
        Assert.False(fresh);
        Assert.Equal((1, Now.AddSeconds(5), (DateTimeOffset?)Now, OutboxMessage.MaxErrorLength), (row.Attempts, row.NextAttemptAt, row.ServerDownSince, row.LastError!.Length));
        Assert.True(downStuck);
        Assert.Empty(notDueYet);
        Assert.False(delivered);
        Assert.Equal(0, await host.DbAsync(db => db.OutboxMessages.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AnyStuckAsync_AMessageWaitingLongerThanTheStallLimit_IsStuck(string provider)
    {
        var host = await StartAsync(provider);
        var waiting = Message(Now - OutboxMessage.StalledAfter - TimeSpan.FromSeconds(1), next: Now, discard: Now.AddMinutes(30));
        await host.WithAsync<IOutboxStore>(store => store.AddAsync(waiting, CancellationToken.None));

        var stuck = await host.WithAsync<IOutboxStore, bool>(store => store.AnyStuckAsync(Now - OutboxMessage.StalledAfter, CancellationToken.None));

        Assert.True(stuck);
    }

    private static OutboxMessage Message(DateTimeOffset created, DateTimeOffset next, DateTimeOffset discard) => new()
    {
        Id = Guid.NewGuid(),
        CreatedAt = created,
        NextAttemptAt = next,
        DiscardAt = discard,
        Payload = "protected-" + Guid.NewGuid().ToString("N"),
        ActionTokenId = Guid.NewGuid(),
        TraceId = Guid.NewGuid().ToString("N"),
    };
}
