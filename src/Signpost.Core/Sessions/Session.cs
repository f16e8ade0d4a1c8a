namespace Signpost.Core.Sessions;

/// <summary>
/// A server-side session behind the session cookie (SPEC §7). The cookie holds a random token;
/// only its SHA-256 is stored, so a database reader cannot ride a session.
/// </summary>
public sealed class Session
{
    public required string Id { get; set; }
    public Guid AccountId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public TimeSpan IdleTimeout { get; set; }
    public DateTimeOffset AbsoluteExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedReason { get; set; }
    public string? ClientIp { get; set; }
    public string? UserAgent { get; set; }
    public string? Browser { get; set; }
    public string? TraceId { get; set; }

    /// <summary>Why this session no longer counts at <paramref name="now"/>, or null while it is alive.</summary>
    public string? EndReason(DateTimeOffset now)
    {
        if (RevokedAt is not null)
        {
            return RevokedReason ?? "signed out";
        }

        if (now >= AbsoluteExpiresAt)
        {
            return "absolute timeout";
        }

        return now - LastSeenAt >= IdleTimeout ? "idle timeout" : null;
    }
}
