using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Signpost.Core.Mfa;

namespace Signpost.Data.Stores;

/// <summary>
/// TOTP secrets encrypted with the Data Protection key ring, which a configured certificate encrypts in turn
/// (docs/security.md, "Keys at rest"): a copy of the database alone does not give anyone a person's codes.
/// </summary>
internal sealed class SecondFactorSecrets(IDataProtectionProvider protection) : ISecondFactorSecrets
{
    private readonly IDataProtector _protector = protection.CreateProtector("Signpost.TotpSecret.v1");

    public string Protect(byte[] secret) => Convert.ToBase64String(_protector.Protect(secret));

    public byte[]? Unprotect(string protectedSecret)
    {
        try
        {
            return _protector.Unprotect(Convert.FromBase64String(protectedSecret));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
