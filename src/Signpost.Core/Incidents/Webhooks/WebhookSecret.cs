using System.Security.Cryptography;
using System.Text;

namespace Signpost.Core.Incidents.Webhooks;

/// <summary>
/// A webhook signing secret made by <c>signpost webhook rotate-secret</c>, kept encrypted with the data
/// protection key ring. The newest one signs; an older one keeps signing beside it until
/// <see cref="RetiresAt"/>, so the receiver can switch to the new secret at its own pace (docs/incidents.md).
/// </summary>
public sealed class WebhookSecret
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>The <c>whsec_…</c> secret, encrypted; never logged, never in the audit trail.</summary>
    public required string ProtectedSecret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When a rotation replaced it, the end of the overlap; null while it is the current secret.</summary>
    public DateTimeOffset? RetiresAt { get; set; }

    /// <summary>Where it came from: <c>rotation</c>, or <c>configuration</c> for the Signpost:Webhook:Secret a first rotation retired.</summary>
    public required string Source { get; set; }
}

/// <summary>
/// The Standard Webhooks secret format: <c>whsec_</c> and the base64 of the key bytes. A secret without the
/// prefix (what Signpost:Webhook:Secret held before the format was adopted) is keyed with its UTF-8 bytes,
/// which is the same key as <c>whsec_</c> + base64 of those bytes (<see cref="StandardForm"/>).
/// </summary>
public static class WebhookSecretFormat
{
    public const string Prefix = "whsec_";

    /// <summary>Key bytes of a generated secret (the Standard Webhooks range is 24 to 64).</summary>
    public const int KeyBytes = 32;

    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>The HMAC key; null when a <c>whsec_</c> secret is not base64 of 24 to 64 bytes.</summary>
    public static byte[]? Key(string secret)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Encoding.UTF8.GetBytes(secret);
        }

        var buffer = new byte[secret.Length];
        return Convert.TryFromBase64String(secret[Prefix.Length..], buffer, out var written) && written is >= 24 and <= 64 ? buffer[..written] : null;
    }

    /// <summary>The secret as a Standard Webhooks library wants it (the same key).</summary>
    public static string StandardForm(string secret) =>
        secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret : Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(secret));
}
