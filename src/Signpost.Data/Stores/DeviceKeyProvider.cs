using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Devices;

namespace Signpost.Data.Stores;

/// <summary>
/// The device-cookie key: 256 random bits created on first use and kept in the database, so every node
/// and every restart verifies the same cookies. Cached for the process's life. Stored encrypted with the
/// Data Protection key ring, which a configured certificate encrypts in turn (docs/deployment.md): a copy
/// of the database alone does not let anyone mint device cookies.
/// </summary>
internal sealed class DeviceKeyProvider(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider time) : IDeviceKeyProvider
{
    private const string Purpose = "device-cookie-hmac";
    private const int KeyBytes = 32;
    private readonly IDataProtector _protector = protection.CreateProtector("Signpost.DeviceCookieKey.v1");
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
            var stored = await new SecretKeyStore(db, time)
                .GetOrAddAsync(Purpose, () => _protector.Protect(RandomNumberGenerator.GetBytes(KeyBytes)), cancellationToken);

            if (stored.Length == KeyBytes)
            {
                // Written before the key was encrypted: keep it (every trusted browser stays trusted) and
                // store it encrypted from now on. A protected value is always longer than the bare key.
                _key = stored;
                await db.SecretKeys.Where(k => k.Purpose == Purpose && k.Value == stored)
                    .ExecuteUpdateAsync(k => k.SetProperty(x => x.Value, _protector.Protect(stored)), cancellationToken);
                return _key;
            }

            try
            {
                _key = _protector.Unprotect(stored);
            }
            catch (CryptographicException ex)
            {
                // Never replaced here: a node with the wrong certificate would throw away every node's key.
                throw new InvalidOperationException(
                    "The device-cookie key cannot be decrypted: this node's Data Protection key ring or certificate differs from the one that encrypted it (Signpost:DataProtection, docs/deployment.md).", ex);
            }

            return _key;
        }
        finally
        {
            _gate.Release();
        }
    }
}
