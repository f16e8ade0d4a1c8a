using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Signpost.Core.Devices;

/// <summary>
/// "Remember this browser" after a second factor (docs/mfa.md, "Remembered browsers"): a cookie signed with the
/// device-cookie key, bound to the account and to the browser's trusted-device cookie, so it is worth nothing
/// without that cookie or for another account. Its age is checked against the practices' current
/// <c>RememberBrowserDays</c> at every sign-in, so shortening the policy takes effect at once, and a cookie
/// issued before an assisted reset of the second factor is void.
/// </summary>
public sealed class RememberedBrowsers(IDeviceKeyProvider keys, TimeProvider time)
{
    private const string Version = "r1";

    /// <summary>The cookie's own lifetime; the practices' days decide what it is worth (at most this).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(Organizations.OrganizationPolicy.MaxRememberBrowserDays);

    public static string CookieName(Guid accountId) =>
        "sp_mfa_" + Convert.ToHexStringLower(SHA256.HashData(accountId.ToByteArray()))[..16];

    public async Task<string> IssueAsync(TrustedDevice device, CancellationToken cancellationToken)
    {
        var payload = string.Create(CultureInfo.InvariantCulture,
            $"{Version}.{device.AccountId:N}.{device.DeviceId}.{time.GetUtcNow().ToUnixTimeSeconds()}");
        return $"{payload}.{await SignAsync(payload, cancellationToken)}";
    }

    /// <summary>
    /// When the cookie was issued, if it is genuine, for <paramref name="device"/>'s account and device, younger
    /// than <paramref name="rememberDays"/> and issued after <paramref name="notBefore"/>; otherwise null.
    /// </summary>
    public async Task<DateTimeOffset?> VerifyAsync(string? value, TrustedDevice? device, int rememberDays, DateTimeOffset? notBefore, CancellationToken cancellationToken)
    {
        if (device is null || rememberDays <= 0 || string.IsNullOrEmpty(value) || value.Length > 200)
        {
            return null;
        }

        var parts = value.Split('.');
        if (parts.Length != 5 || parts[0] != Version
            || !Guid.TryParseExact(parts[1], "N", out var account) || account != device.AccountId
            || !string.Equals(parts[2], device.DeviceId, StringComparison.Ordinal)
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var issuedUnix))
        {
            return null;
        }

        var expected = await SignAsync(string.Join('.', parts[..4]), cancellationToken);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts[4])))
        {
            return null;
        }

        var issued = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(issuedUnix, 0, 253402300799));
        var now = time.GetUtcNow();
        if (issued > now + TimeSpan.FromMinutes(5) || now - issued > TimeSpan.FromDays(rememberDays) || (notBefore is { } reset && issued <= reset))
        {
            return null;
        }

        return issued;
    }

    private async Task<string> SignAsync(string payload, CancellationToken cancellationToken)
    {
        var key = await keys.GetKeyAsync(cancellationToken);
        // Its own label inside the MAC: a device cookie's signature can never pass as this cookie's.
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes("remember-browser|" + payload)));
    }
}
