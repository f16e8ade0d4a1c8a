using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Signpost.Core.OpenIdProvider;

namespace Signpost.Web.OpenIdProvider;

/// <summary>One key as <c>signpost keys list</c> shows it: never the key itself.</summary>
public sealed record ProviderKeyView(string Id, ProviderKeyUse Use, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt, bool Current, DateTimeOffset? LoadedUntil);

/// <summary>
/// The provider's signing and encryption keys, read from the database every node shares and handed to
/// OpenIddict's options: the current key of each use signs or encrypts, retired ones stay beside it (published
/// in the JWKS, able to decrypt) for <see cref="OpenIdProviderOptions.RetiredKeyDays"/>. A node notices a
/// rotation made elsewhere within <see cref="OpenIdProviderOptions.KeyRefreshSeconds"/> (<see cref="ProviderKeyWatcher"/>):
/// the options are rebuilt, so nothing restarts (docs/oidc-provider.md "Keys"). No development certificate.
/// </summary>
public sealed class ProviderKeyRing(
    IServiceScopeFactory scopes,
    IDataProtectionProvider protection,
    IOptionsMonitor<OpenIdProviderOptions> options,
    TimeProvider time) : IConfigureOptions<OpenIddictServerOptions>, IOptionsChangeTokenSource<OpenIddictServerOptions>
{
    public const string Purpose = "Signpost.OpenIdProvider.Key.v1";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);
    private CancellationTokenSource _changed = new();

    /// <summary>The key IDs loaded now, to tell a change apart (the watcher compares).</summary>
    public string LoadedFingerprint { get; private set; } = "";

    public string? Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    /// <summary>Rebuilds OpenIddict's options from the key table at the next request.</summary>
    public void Reload()
    {
        var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }

    /// <summary>Called by the options system; reads the database, making the first keys when there are none.</summary>
    public void Configure(OpenIddictServerOptions serverOptions)
    {
        // Options are built synchronously; this runs once per (re)load, not per request.
        var keys = LoadAsync(CancellationToken.None).GetAwaiter().GetResult();
        foreach (var key in keys.Where(k => k.Use == ProviderKeyUse.Signing))
        {
            serverOptions.SigningCredentials.Add(new SigningCredentials(ToSecurityKey(key), SecurityAlgorithms.RsaSha256));
        }

        foreach (var key in keys.Where(k => k.Use == ProviderKeyUse.Encryption))
        {
            serverOptions.EncryptionCredentials.Add(new EncryptingCredentials(ToSecurityKey(key), SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
        }

        LoadedFingerprint = Fingerprint(keys);
    }

    /// <summary>The keys in use now, current first; makes a first key of a use that has none.</summary>
    public async Task<IReadOnlyList<ProviderKey>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IProviderKeyStore>();
        var stored = await store.ListAsync(cancellationToken);
        var missing = Enum.GetValues<ProviderKeyUse>().Where(use => !stored.Any(k => k.Use == use)).ToList();
        if (missing.Count > 0)
        {
            foreach (var use in missing)
            {
                await store.AddCurrentAsync(Create(use), time.GetUtcNow(), DateTimeOffset.MinValue, onlyIfNone: true, cancellationToken);
            }

            stored = await store.ListAsync(cancellationToken);
        }

        return InUse(stored);
    }

    /// <summary>What <c>signpost keys list</c> prints.</summary>
    public async Task<IReadOnlyList<ProviderKeyView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<IProviderKeyStore>().ListAsync(cancellationToken);
        var keep = TimeSpan.FromDays(options.CurrentValue.RetiredKeyDays);
        return stored.Select(k => new ProviderKeyView(k.Id, k.Use, k.CreatedAt, k.RetiredAt, k.RetiredAt is null, k.RetiredAt + keep)).ToList();
    }

    /// <summary>
    /// A new current key of <paramref name="use"/>; the one it replaces stays loaded for
    /// <see cref="OpenIdProviderOptions.RetiredKeyDays"/>, and keys retired longer ago are deleted.
    /// </summary>
    public async Task<ProviderKey> RotateAsync(ProviderKeyUse use, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var created = Create(use);
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IProviderKeyStore>()
            .AddCurrentAsync(created, now, now - TimeSpan.FromDays(options.CurrentValue.RetiredKeyDays), onlyIfNone: false, cancellationToken);
        Reload();
        return created;
    }

    /// <summary>The fingerprint of what the table holds now, for the watcher to compare with <see cref="LoadedFingerprint"/>.</summary>
    public async Task<string> StoredFingerprintAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return Fingerprint(InUse(await scope.ServiceProvider.GetRequiredService<IProviderKeyStore>().ListAsync(cancellationToken)));
    }

    private List<ProviderKey> InUse(IReadOnlyList<ProviderKey> stored)
    {
        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(options.CurrentValue.RetiredKeyDays);
        // Current (not retired) first, then the most recently retired: OpenIddict signs and encrypts with the first.
        return stored.Where(k => k.RetiredAt is null || k.RetiredAt > cutoff)
            .OrderBy(k => k.RetiredAt is null ? 0 : 1).ThenByDescending(k => k.CreatedAt)
            .ToList();
    }

    private static string Fingerprint(IEnumerable<ProviderKey> keys) => string.Join(",", keys.Select(k => $"{k.Id}:{k.RetiredAt?.ToUnixTimeSeconds()}"));

    private ProviderKey Create(ProviderKeyUse use)
    {
        using var rsa = RSA.Create(2048);
        return new ProviderKey
        {
            Id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
            Use = use,
            ProtectedKey = _protector.Protect(rsa.ExportRSAPrivateKey()),
            CreatedAt = time.GetUtcNow(),
        };
    }

    private RsaSecurityKey ToSecurityKey(ProviderKey key)
    {
        var rsa = RSA.Create();
        rsa.ImportRSAPrivateKey(_protector.Unprotect(key.ProtectedKey), out _);
        return new RsaSecurityKey(rsa) { KeyId = key.Id };
    }
}
