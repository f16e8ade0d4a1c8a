using System.Text.Json;
using Signpost.Core.Troubleshooting;

namespace Signpost.Core.SingleSignOn;

/// <summary>
/// Reads a connection's latest health record as the troubleshooter's <see cref="SsoHealth"/> (docs/design.md §5 step 4):
/// reachable, signing keys usable, earliest certificate expiry, and the failed checks' own explanations.
/// </summary>
public static class SsoHealthReading
{
    /// <summary>The failed checks' explanations are cut here: enough for support, bounded for a diagnosis.</summary>
    public const int MaxProblemLength = 1000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly string[] KeyChecks = ["jwks", "signing_keys", "key_expiry"];

    /// <summary>
    /// The health of <paramref name="connection"/> by its newest record; with none, every measured value is
    /// null ("not checked yet"), never "fine".
    /// </summary>
    public static SsoHealth From(SsoConnection connection, SsoHealthRecord? latest)
    {
        var id = connection.Id.ToString();
        if (latest is null)
        {
            return new SsoHealth(id, null, null, null, null, null, connection.Required);
        }

        var findings = Parse(latest.Findings);
        bool? reachable = findings.Count == 0 ? null : !findings.Any(f => !f.Ok && f.Unreachable);
        // Keys are known good only once the key set loaded and published a signing key; known bad when any
        // key check failed for a reason other than silence (an unreachable JWKS is reported as unreachable).
        bool? keys = findings.Any(f => !f.Ok && !f.Unreachable && KeyChecks.Contains(f.Check)) ? false
            : findings.Any(f => f.Ok && f.Check == "signing_keys") ? true
            : null;
        var failed = string.Join(" ", findings.Where(f => !f.Ok).Select(f => f.Explanation));
        var problem = failed.Length == 0 ? null : failed.Length > MaxProblemLength ? failed[..MaxProblemLength] + "…" : failed;
        return new SsoHealth(id, reachable, keys, latest.EarliestExpiry, latest.CheckedAt, problem, connection.Required);
    }

    private static List<SsoHealthFinding> Parse(string findings)
    {
        try
        {
            return JsonSerializer.Deserialize<List<SsoHealthFinding>>(findings, Json) ?? [];
        }
        catch (JsonException)
        {
            // A record the troubleshooter cannot read says nothing; it must not fail the whole diagnosis.
            return [];
        }
    }
}
