using System.Security.Cryptography;
using System.Text;
using OtpNet;

namespace Signpost.Core.Mfa;

/// <summary>Where a typed code matched: its time step, and how many steps that is from now (negative: the authenticator is behind).</summary>
public sealed record TotpMatch(long Step, int SkewSteps)
{
    /// <summary>Inside the accepted window (<see cref="TotpCodes.AcceptedSteps"/> either side).</summary>
    public bool Accepted => Math.Abs(SkewSteps) <= TotpCodes.AcceptedSteps;

    /// <summary>How far the authenticator's clock is off, in seconds (negative: behind).</summary>
    public int SkewSeconds => SkewSteps * TotpCodes.StepSeconds;
}

/// <summary>
/// TOTP after RFC 6238 with the parameters every authenticator app understands: HMAC-SHA-1, 6 digits,
/// 30-second steps (Otp.NET computes the codes). A code is accepted one step either side of now (RFC 6238
/// §5.2 recommends at most one step of network delay); a code that matches a step further off, up to ten
/// minutes, is recognised as a skewed clock and refused with the skew measured (docs/mfa.md, "Clock skew").
/// </summary>
public static class TotpCodes
{
    public const int StepSeconds = 30;
    public const int Digits = 6;

    /// <summary>RFC 6238 §5.2: one step of delay either side.</summary>
    public const int AcceptedSteps = 1;

    /// <summary>Ten minutes either side: further off than this a match is as likely a guess as a clock.</summary>
    public const int SkewSteps = 20;

    /// <summary>160 bits, the HMAC-SHA-1 block RFC 4226 §4 recommends.</summary>
    public const int SecretBytes = 20;

    public static byte[] NewSecret() => KeyGeneration.GenerateRandomKey(SecretBytes);

    /// <summary>The secret as authenticator apps take it when typed (RFC 4648 base32, no padding).</summary>
    public static string ToBase32(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    /// <summary>The secret in groups of four for reading aloud or typing.</summary>
    public static string Grouped(byte[] secret) => string.Join(' ', ToBase32(secret).Chunk(4).Select(c => new string(c)));

    /// <summary>The <c>otpauth://</c> URI of the Key Uri Format the QR code carries.</summary>
    public static string KeyUri(byte[] secret, string issuer, string accountName) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(accountName)}?secret={ToBase32(secret)}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";

    public static long StepAt(DateTimeOffset at) => at.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The code for <paramref name="step"/>; <paramref name="digits"/> other than 6 only for the RFC's own test vectors.</summary>
    public static string Compute(byte[] secret, long step, int digits = Digits) =>
        new Totp(secret, StepSeconds, OtpHashMode.Sha1, digits).ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(step * StepSeconds).UtcDateTime);

    /// <summary>Only digits, with spaces and dashes people type between groups taken out; null when it cannot be a code.</summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null || typed.Length > 20)
        {
            return null;
        }

        var digits = new string(typed.Where(c => c is not (' ' or '-')).ToArray());
        return digits.Length == Digits && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    /// <summary>
    /// The step the code matches, nearest to now first, within <see cref="SkewSteps"/> either side; null when it
    /// matches none. Every candidate is compared in fixed time.
    /// </summary>
    public static TotpMatch? Match(byte[] secret, string code, DateTimeOffset now)
    {
        var expected = Encoding.ASCII.GetBytes(code);
        var current = StepAt(now);
        for (var distance = 0; distance <= SkewSteps; distance++)
        {
            foreach (var offset in distance == 0 ? [0] : new[] { -distance, distance })
            {
                var candidate = Encoding.ASCII.GetBytes(Compute(secret, current + offset));
                if (CryptographicOperations.FixedTimeEquals(candidate, expected))
                {
                    return new TotpMatch(current + offset, offset);
                }
            }
        }

        return null;
    }

    /// <summary>"4 minutes 30 seconds behind" / "2 minutes ahead": how the authenticator's clock is off, in words.</summary>
    public static string DescribeSkew(int skewSeconds)
    {
        var abs = Math.Abs(skewSeconds);
        var minutes = abs / 60;
        var seconds = abs % 60;
        var amount = (minutes, seconds) switch
        {
            (0, var s) => $"{s} seconds",
            (1, 0) => "1 minute",
            (var m, 0) => $"{m} minutes",
            (1, var s) => $"1 minute {s} seconds",
            (var m, var s) => $"{m} minutes {s} seconds",
        };
        return $"{amount} {(skewSeconds < 0 ? "behind" : "ahead")}";
    }
}
