using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Audit;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// Audit entries written from inside a store's transaction the way the app writes them (an <see cref="AuditTrail"/>
/// over the same scope's store, so the same DbContext), and the trail read back.
/// </summary>
internal static class AuditedWrites
{
    public static Task RecordAsync(IServiceProvider services, string action, string targetId, CancellationToken cancellationToken) =>
        new AuditTrail(services.GetRequiredService<IAuditStore>(), TimeProvider.System)
            .RecordAsync(AuditActor.CommandLine(), new AuditRecord(action, "test", targetId, null, null, null), cancellationToken);

    /// <summary>The actions on the trail, oldest first.</summary>
    public static Task<List<string>> ActionsAsync(StoreHost host) =>
        host.DbAsync(db => db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync());

    /// <summary>Thrown by a test's callback after it wrote, to show the store keeps nothing of a failed transaction.</summary>
    public sealed class Refused() : Exception("the callback refused");
}
