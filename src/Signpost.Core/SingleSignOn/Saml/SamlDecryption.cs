using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using Signpost.Core.Reasons;

namespace Signpost.Core.SingleSignOn.Saml;

/// <summary>
/// Decrypts one <c>EncryptedAssertion</c> (SAML Core §2.3.4, XML Encryption 1.1) with Signpost's encryption key,
/// returning the assertion's XML text for <see cref="SamlXml"/> to parse — nothing here parses XML or fetches
/// anything (a CipherReference is refused). Key transport is RSA-OAEP only: RSA PKCS#1 v1.5 is refused before
/// any private-key operation, as it is the padding oracle of Bleichenbacher's attack. Data is AES-CBC or AES-GCM.
/// docs/saml.md "encrypted assertions".
/// </summary>
public static class SamlDecryption
{
    private static readonly Dictionary<string, (int KeyBytes, bool Gcm)> DataAlgorithms = new(StringComparer.Ordinal)
    {
        [SamlNames.Aes128Cbc] = (16, false),
        [SamlNames.Aes192Cbc] = (24, false),
        [SamlNames.Aes256Cbc] = (32, false),
        [SamlNames.Aes128Gcm] = (16, true),
        [SamlNames.Aes192Gcm] = (24, true),
        [SamlNames.Aes256Gcm] = (32, true),
    };

    /// <summary>The one evidence for every failure after the key is unwrapped, so that no answer tells padding from parsing (the XML Encryption padding oracle).</summary>
    public const string Undecryptable = "encryption: the encrypted assertion does not decrypt to one assertion (the ciphertext is damaged or was changed)";

    /// <summary>The decrypted assertion's XML text, or a refusal.</summary>
    public static (string? Xml, SamlValidation? Refusal) Decrypt(XmlElement encryptedAssertion, IReadOnlyList<X509Certificate2> keys)
    {
        if (keys.Count == 0)
        {
            return Refused(ReasonCodes.SsoProviderMisconfigured, "encryption: the response carries an encrypted assertion and Signpost holds no decryption key for it");
        }

        if (SamlXml.Children(encryptedAssertion, SamlNames.XmlEnc, "EncryptedData") is not [var data])
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "encryption: the EncryptedAssertion does not hold exactly one EncryptedData");
        }

        var dataMethod = Algorithm(data);
        if (dataMethod is null || !DataAlgorithms.TryGetValue(dataMethod, out var cipher))
        {
            return Refused(ReasonCodes.SsoProviderMisconfigured, $"encryption: data encryption '{Cut(dataMethod)}' is refused: AES-CBC or AES-GCM only");
        }

        // The EncryptedKey sits in the EncryptedData's KeyInfo or beside it in the EncryptedAssertion (SAML Core §2.2.4).
        var encryptedKeys = (SamlXml.Single(data, SamlNames.XmlDsig, "KeyInfo") is { } keyInfo ? SamlXml.Children(keyInfo, SamlNames.XmlEnc, "EncryptedKey") : [])
            .Concat(SamlXml.Children(encryptedAssertion, SamlNames.XmlEnc, "EncryptedKey")).ToList();
        if (encryptedKeys.Count is 0 or > 4)
        {
            return Refused(ReasonCodes.SsoProviderMisconfigured, $"encryption: the assertion carries {encryptedKeys.Count} encrypted keys; Signpost reads one to four, encrypted to its certificate");
        }

        var paddings = new List<(RSAEncryptionPadding Padding, byte[] Cipher)>();
        foreach (var encryptedKey in encryptedKeys)
        {
            var (padding, why) = KeyTransport(encryptedKey);
            if (padding is null)
            {
                return Refused(ReasonCodes.SsoProviderMisconfigured, why!);
            }

            if (CipherValue(encryptedKey) is not { } wrapped)
            {
                return Refused(ReasonCodes.SsoTokenInvalid, "encryption: an EncryptedKey holds no base64 CipherValue (a CipherReference is never fetched)");
            }

            paddings.Add((padding, wrapped));
        }

        byte[]? sessionKey = null;
        foreach (var certificate in keys)
        {
            using var rsa = certificate.GetRSAPrivateKey();
            if (rsa is null)
            {
                continue;
            }

            foreach (var (padding, wrapped) in paddings)
            {
                try
                {
                    var candidate = rsa.Decrypt(wrapped, padding);
                    if (candidate.Length == cipher.KeyBytes)
                    {
                        sessionKey = candidate;
                        break;
                    }
                }
                catch (CryptographicException)
                {
                    // Not encrypted to this key: try the next.
                }
            }

            if (sessionKey is not null)
            {
                break;
            }
        }

        if (sessionKey is null)
        {
            return Refused(ReasonCodes.SsoProviderMisconfigured,
                "encryption: the assertion is not encrypted to Signpost's encryption certificate (the provider holds another one: give it Signpost's metadata again)");
        }

        if (CipherValue(data) is not { } ciphertext)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, Undecryptable);
        }

        try
        {
            var plain = cipher.Gcm ? Gcm(sessionKey, ciphertext) : Cbc(sessionKey, ciphertext);
            return plain is null ? Refused(ReasonCodes.SsoTokenInvalid, Undecryptable) : (new UTF8Encoding(false, true).GetString(plain), null);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, Undecryptable);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sessionKey);
        }
    }

    /// <summary>The OAEP padding an EncryptedKey's method names, or why it is refused.</summary>
    private static (RSAEncryptionPadding? Padding, string? Why) KeyTransport(XmlElement encryptedKey)
    {
        var method = Algorithm(encryptedKey);
        if (method == SamlNames.Rsa15)
        {
            return (null, "encryption: key transport rsa-1_5 is refused (RSA PKCS#1 v1.5 is open to Bleichenbacher's padding-oracle attack): set RSA-OAEP at the provider");
        }

        if (method is not (SamlNames.RsaOaepMgf1p or SamlNames.RsaOaep))
        {
            return (null, $"encryption: key transport '{Cut(method)}' is refused: RSA-OAEP only");
        }

        var methodElement = SamlXml.Single(encryptedKey, SamlNames.XmlEnc, "EncryptionMethod")!;
        if (SamlXml.Children(methodElement, SamlNames.XmlEnc, "OAEPparams").Count > 0)
        {
            return (null, "encryption: RSA-OAEP with OAEPparams is refused (no label is agreed with the provider)");
        }

        var digest = SamlXml.Single(methodElement, SamlNames.XmlDsig, "DigestMethod") is { } d ? SamlXml.Attribute(d, "Algorithm") : SamlNames.Sha1;
        // rsa-oaep-mgf1p fixes the mask generation to MGF1 with SHA-1; xmlenc11#rsa-oaep names it (SHA-1 when absent).
        var mgf = method == SamlNames.RsaOaepMgf1p ? SamlNames.Mgf1Sha1
            : SamlXml.Single(methodElement, SamlNames.XmlEnc11, "MGF") is { } m ? SamlXml.Attribute(m, "Algorithm") : SamlNames.Mgf1Sha1;
        // .NET's OAEP uses one hash for the digest and MGF1: the combinations where they agree are the ones read.
        RSAEncryptionPadding? padding = (digest, mgf) switch
        {
            (SamlNames.Sha1, SamlNames.Mgf1Sha1) => RSAEncryptionPadding.OaepSHA1,
            (SamlNames.Sha256, SamlNames.Mgf1Sha256) => RSAEncryptionPadding.OaepSHA256,
            (SamlNames.Sha384, SamlNames.Mgf1Sha384) => RSAEncryptionPadding.OaepSHA384,
            (SamlNames.Sha512, SamlNames.Mgf1Sha512) => RSAEncryptionPadding.OaepSHA512,
            _ => null,
        };
        return padding is null
            ? (null, $"encryption: RSA-OAEP with digest '{Cut(digest)}' and mask '{Cut(mgf)}' is refused: the digest and MGF1 hash must be the same (SHA-1 or SHA-2)")
            : (padding, null);
    }

    /// <summary>AES-CBC with the IV first and XML Encryption's padding (last byte = pad length, the rest arbitrary).</summary>
    private static byte[]? Cbc(byte[] key, byte[] ciphertext)
    {
        if (ciphertext.Length < 32 || ciphertext.Length % 16 != 0)
        {
            return null;
        }

        using var aes = Aes.Create();
        aes.Key = key;
        var plain = aes.DecryptCbc(ciphertext.AsSpan(16), ciphertext.AsSpan(0, 16), PaddingMode.None);
        var pad = plain[^1];
        return pad is < 1 or > 16 ? null : plain[..^pad];
    }

    /// <summary>AES-GCM: a 96-bit nonce first, the 128-bit tag last (XML Encryption 1.1 §5.2.4).</summary>
    private static byte[]? Gcm(byte[] key, byte[] ciphertext)
    {
        if (ciphertext.Length < 12 + 16)
        {
            return null;
        }

        var plain = new byte[ciphertext.Length - 28];
        using var gcm = new AesGcm(key, 16);
        gcm.Decrypt(ciphertext.AsSpan(0, 12), ciphertext.AsSpan(12, plain.Length), ciphertext.AsSpan(ciphertext.Length - 16), plain);
        return plain;
    }

    private static string? Algorithm(XmlElement encrypted) =>
        SamlXml.Single(encrypted, SamlNames.XmlEnc, "EncryptionMethod") is { } method ? SamlXml.Attribute(method, "Algorithm") : null;

    private static byte[]? CipherValue(XmlElement encrypted)
    {
        if (SamlXml.Single(encrypted, SamlNames.XmlEnc, "CipherData") is not { } cipherData
            || SamlXml.Single(cipherData, SamlNames.XmlEnc, "CipherValue") is not { } value
            || SamlXml.StrictText(value) is not { } text)
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static (string?, SamlValidation?) Refused(string reasonCode, string evidence) => (null, SamlValidation.Refused(reasonCode, evidence));

    private static string Cut(string? value) => value is null ? "(none)" : value.Length <= 120 ? value : value[..120];
}
