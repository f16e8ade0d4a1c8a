using System.Security.Cryptography;
using System.Text;

namespace Signpost.Core.Mfa;

/// <summary>
/// Recovery codes: ten single-use codes of ten characters (50 random bits each) from Crockford's base32, shown
/// once as <c>XXXXX-XXXXX</c> and stored only as a SHA-256 hash salted with the account. A slow hash is not
/// needed: 50 random bits are not a password, and each wrong code counts toward the second-factor lock.
/// </summary>
public static class RecoveryCodes
{
    public const int SetSize = 10;
    private const int Length = 10;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static IReadOnlyList<string> Generate() =>
        Enumerable.Range(0, SetSize).Select(_ =>
        {
            var raw = new string(Enumerable.Range(0, Length).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]).ToArray());
            return $"{raw[..5]}-{raw[5..]}";
        }).ToList();

    /// <summary>
    /// The code as stored for comparison: upper case, without spaces and dashes, with the letters Crockford's
    /// alphabet leaves out read as the digits they look like; null when it cannot be a recovery code.
    /// </summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null || typed.Length > 32)
        {
            return null;
        }

        var builder = new StringBuilder(Length);
        foreach (var c in typed.ToUpperInvariant())
        {
            switch (c)
            {
                case ' ' or '-':
                    continue;
                case 'O':
                    builder.Append('0');
                    break;
                case 'I' or 'L':
                    builder.Append('1');
                    break;
                default:
                    if (!Alphabet.Contains(c, StringComparison.Ordinal))
                    {
                        return null;
                    }

                    builder.Append(c);
                    break;
            }
        }

        return builder.Length == Length ? builder.ToString() : null;
    }

    public static string Hash(Guid accountId, string normalized) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes($"{accountId:N}:{normalized}")));
}
