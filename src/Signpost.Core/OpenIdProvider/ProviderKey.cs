namespace Signpost.Core.OpenIdProvider;

/// <summary>What an OpenID Connect provider key is for (RFC 7517 §4.2 <c>use</c>).</summary>
public enum ProviderKeyUse
{
    /// <summary>Signs ID tokens and every token the provider issues; published in the JWKS document.</summary>
    Signing,
    /// <summary>Encrypts the codes, access and refresh tokens the provider issues to itself; never published.</summary>
    Encryption,
}

/// <summary>
/// One RSA key of Signpost's OpenID Connect provider, in the database so every node signs and reads with the
/// same keys (docs/oidc-provider.md "Keys"). The private key is encrypted with the Data Protection key ring.
/// The newest key of a use that is not retired is the current one; a retired key stays loaded (published,
/// for a signing key; able to decrypt, for an encryption key) until tokens made with it have expired.
/// </summary>
public sealed class ProviderKey
{
    /// <summary>The key ID (<c>kid</c>): random, URL-safe.</summary>
    public required string Id { get; set; }
    public ProviderKeyUse Use { get; set; }
    /// <summary>The PKCS#1 RSA private key, protected by Data Protection.</summary>
    public required byte[] ProtectedKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When a newer key replaced it; null while it is the current key.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}
