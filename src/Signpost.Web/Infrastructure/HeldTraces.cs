using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// Proof that a trace ID was shown to this browser: the failure partial puts a signed, short-lived note
/// of the trace into its "Can't sign in?" link, and the "Ask for help" form carries it. Only a trace the
/// requester holds this way goes into an anonymous help request (docs/security.md): a trace ID alone is
/// not enough, because trace IDs are also read by administrators in timelines and incidents, and a help
/// request copies the attempt's facts to the help desk and to the attempt's practice.
/// </summary>
public sealed class HeldTraces(IDataProtectionProvider protection, TimeProvider time)
{
    /// <summary>How long after the failure the proof is good for asking for help.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(2);

    /// <summary>The form field (and query parameter) that carries the proof.</summary>
    public const string Field = "held";

    private readonly IDataProtector _protector = protection.CreateProtector("Signpost.HeldTrace.v1");

    public string Issue(string traceId) =>
        _protector.Protect(string.Create(CultureInfo.InvariantCulture, $"{traceId}|{(time.GetUtcNow() + Lifetime).ToUnixTimeSeconds()}"));

    /// <summary>True when <paramref name="proof"/> was issued for <paramref name="traceId"/> and has not expired.</summary>
    public bool Holds(string? traceId, string? proof)
    {
        if (string.IsNullOrEmpty(traceId) || string.IsNullOrEmpty(proof) || proof.Length > 1024)
        {
            return false;
        }

        try
        {
            var parts = _protector.Unprotect(proof).Split('|');
            return parts.Length == 2 && string.Equals(parts[0], traceId, StringComparison.Ordinal)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
                && time.GetUtcNow().ToUnixTimeSeconds() < expires;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
