using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Signpost.Core.Devices;

/// <summary>A verified trusted-device cookie: the browser that holds it signed in to this account before.</summary>
public sealed record TrustedDevice(Guid AccountId, string DeviceId, DateTimeOffset IssuedAt);

/// <summary>Source of the secret that signs device cookies; its own key, not the session or anti-forgery keys.</summary>
public interface IDeviceKeyProvider
{
    Task<byte[]> GetKeyAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Trusted-device cookies after OWASP "Slow Down Online Guessing Attacks with Device Cookies": issued
/// after a successful sign-in, HMAC-SHA256 signed, bound to one account. A browser holding a valid one
/// is counted and locked on its own, so an attacker hammering the account cannot lock the user out of
/// the browser they always use.
/// </summary>
public sealed class DeviceCookies(IDeviceKeyProvider keys, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(180);
    private const string Version = "v1";

    /// <summary>The cookie name for one account: one cookie per account, so a shared front-desk PC can trust several people.</summary>
    public static string CookieName(Guid accountId) =>
        "sp_dev_" + Convert.ToHexStringLower(SHA256.HashData(accountId.ToByteArray()))[..16];

    public async Task<(string Value, TrustedDevice Device)> IssueAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var device = new TrustedDevice(
            accountId,
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            time.GetUtcNow());
        var payload = Payload(device);
        var mac = await SignAsync(payload, cancellationToken);
        return ($"{payload}.{mac}", device);
    }

    /// <summary>The device the cookie proves for <paramref name="accountId"/>, or null when it is absent, forged, for another account or too old.</summary>
    public async Task<TrustedDevice?> VerifyAsync(string? value, Guid accountId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 200)
        {
            return null;
        }

        var parts = value.Split('.');
        if (parts.Length != 5 || parts[0] != Version
            || !Guid.TryParseExact(parts[1], "N", out var cookieAccount)
            || parts[2].Length != 32
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var issuedUnix))
        {
            return null;
        }

        var payload = string.Join('.', parts[..4]);
        var expected = await SignAsync(payload, cancellationToken);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts[4])))
        {
            return null;
        }

        if (cookieAccount != accountId)
        {
            return null;
        }

        var issued = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(issuedUnix, 0, 253402300799));
        var now = time.GetUtcNow();
        if (issued > now + TimeSpan.FromMinutes(5) || now - issued > Lifetime)
        {
            return null;
        }

        return new TrustedDevice(cookieAccount, parts[2], issued);
    }

    private static string Payload(TrustedDevice device) =>
        string.Create(CultureInfo.InvariantCulture, $"{Version}.{device.AccountId:N}.{device.DeviceId}.{device.IssuedAt.ToUnixTimeSeconds()}");

    private async Task<string> SignAsync(string payload, CancellationToken cancellationToken)
    {
        var key = await keys.GetKeyAsync(cancellationToken);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(payload)));
    }
}
