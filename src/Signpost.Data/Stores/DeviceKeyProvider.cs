using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Devices;

namespace Signpost.Data.Stores;

/// <summary>
/// The device-cookie key: 256 random bits created on first use and kept in the database, so every node
/// and every restart verifies the same cookies. Cached for the process's life.
/// </summary>
internal sealed class DeviceKeyProvider(IServiceScopeFactory scopes, TimeProvider time) : IDeviceKeyProvider
{
    private const string Purpose = "device-cookie-hmac";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    public async Task<byte[]> GetKeyAsync(CancellationToken cancellationToken)
    {
        if (_key is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_key is not null)
            {
                return _key;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SignpostDbContext>();
            var existing = await db.SecretKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Purpose == Purpose, cancellationToken);
            if (existing is null)
            {
                try
                {
                    db.SecretKeys.Add(new SecretKey { Purpose = Purpose, Value = RandomNumberGenerator.GetBytes(32), CreatedAt = time.GetUtcNow() });
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another node created it first; use theirs.
                    db.ChangeTracker.Clear();
                }

                existing = await db.SecretKeys.AsNoTracking().FirstAsync(k => k.Purpose == Purpose, cancellationToken);
            }

            _key = existing.Value;
            return _key;
        }
        finally
        {
            _gate.Release();
        }
    }
}
