using Microsoft.EntityFrameworkCore;

namespace Signpost.Data.Stores;

/// <summary>
/// Keys kept in <c>SecretKeys</c> by purpose, each created once for every node: of two nodes creating one at the
/// same moment the purpose's primary key keeps the first, and both go on with it. The value is stored as given;
/// callers encrypt it with the Data Protection key ring first (docs/security.md, "Keys at rest").
/// </summary>
public sealed class SecretKeyStore(SignpostDbContext db, TimeProvider time)
{
    /// <summary>The stored value for <paramref name="purpose"/>, storing <paramref name="create"/>'s when there is none.</summary>
    public async Task<byte[]> GetOrAddAsync(string purpose, Func<byte[]> create, CancellationToken cancellationToken)
    {
        if (await ReadAsync(purpose, cancellationToken) is { } existing)
        {
            return existing;
        }

        try
        {
            db.SecretKeys.Add(new SecretKey { Purpose = purpose, Value = create(), CreatedAt = time.GetUtcNow() });
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node stored one first; use theirs.
            db.ChangeTracker.Clear();
        }

        return await ReadAsync(purpose, cancellationToken) ?? throw new InvalidOperationException($"The '{purpose}' key was neither found nor stored.");
    }

    private Task<byte[]?> ReadAsync(string purpose, CancellationToken cancellationToken) =>
        db.SecretKeys.AsNoTracking().Where(k => k.Purpose == purpose).Select(k => k.Value).FirstOrDefaultAsync(cancellationToken);
}
