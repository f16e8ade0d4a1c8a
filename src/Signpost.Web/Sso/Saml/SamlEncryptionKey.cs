using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Signpost.Data.Stores;

namespace Signpost.Web.Sso.Saml;

/// <summary>
/// Signpost's SAML encryption key: one RSA-2048 key with a self-signed certificate for the deployment, created on
/// first use and kept in the database (the <c>SecretKeys</c> table, through <see cref="SecretKeyStore"/>) encrypted with the Data Protection key ring, so every
/// node decrypts with the same key and a copy of the database alone decrypts nothing. Its certificate is published in
/// every practice's service-provider metadata as the encryption key (docs/saml.md "encrypted assertions").
/// </summary>
public sealed class SamlEncryptionKey(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider time)
{
    public const string Purpose = "saml-encryption";
    private readonly IDataProtector _protector = protection.CreateProtector("Signpost.SamlEncryptionKey.v1");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private X509Certificate2? _certificate;

    /// <summary>The certificate with its private key.</summary>
    public async Task<X509Certificate2> GetAsync(CancellationToken cancellationToken)
    {
        if (_certificate is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_certificate is not null)
            {
                return _certificate;
            }

            await using var scope = scopes.CreateAsyncScope();
            var stored = await scope.ServiceProvider.GetRequiredService<SecretKeyStore>()
                .GetOrAddAsync(Purpose, () => _protector.Protect(NewKey(time.GetUtcNow())), cancellationToken);

            byte[] pkcs12;
            try
            {
                pkcs12 = _protector.Unprotect(stored);
            }
            catch (CryptographicException ex)
            {
                // Never replaced here: a node with the wrong key ring would replace every node's key.
                throw new InvalidOperationException(
                    "The SAML encryption key cannot be decrypted: this node's Data Protection key ring or certificate differs from the one that encrypted it (Signpost:DataProtection, docs/deployment.md).", ex);
            }

            try
            {
                _certificate = X509CertificateLoader.LoadPkcs12(pkcs12, password: null, X509KeyStorageFlags.EphemeralKeySet);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs12);
            }

            return _certificate;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A fresh key and a self-signed certificate for it, valid ten years: providers take the key from metadata, not from a CA.</summary>
    private static byte[] NewKey(DateTimeOffset now)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Signpost SAML encryption", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        return certificate.Export(X509ContentType.Pkcs12);
    }
}
