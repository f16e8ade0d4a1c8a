using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Signpost.Core.Incidents.Webhooks;

/// <summary>The Standard Webhooks headers (https://www.standardwebhooks.com), which every delivery carries.</summary>
public static class WebhookHeaders
{
    public const string Id = "webhook-id";
    public const string Timestamp = "webhook-timestamp";
    public const string Signature = "webhook-signature";
}

/// <summary>
/// DEPRECATED: the home-made scheme that came before the Standard Webhooks headers (<see cref="WebhookHeaders"/>),
/// still sent beside them for one release and then removed (docs/incidents.md).
/// Signs webhook bodies: <c>Signpost-Signature: v1=&lt;hex HMAC-SHA256(secret, "{timestamp}.{body}")&gt;</c>
/// with <c>Signpost-Timestamp</c> in Unix seconds. The timestamp is inside the MAC so a captured request
/// cannot be replayed later with a fresh time; receivers reject old timestamps (5 minutes is the usual tolerance).
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "Signpost-Timestamp";
    public const string SignatureHeader = "Signpost-Signature";
    public const string DeliveryHeader = "Signpost-Delivery";
    public const string EventHeader = "Signpost-Event";

    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{timestamp}.{body}")));
        return "v1=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>What a receiver does: recompute and compare in constant time, and refuse timestamps outside the tolerance.</summary>
    public static bool Verify(string secret, string? timestampHeader, string? signatureHeader, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp) || signatureHeader is null)
        {
            return false;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        var given = Encoding.ASCII.GetBytes(signatureHeader.Trim());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
