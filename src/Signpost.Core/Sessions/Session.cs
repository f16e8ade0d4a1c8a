namespace Signpost.Core.Sessions;

/// <summary>
/// A server-side session behind the session cookie (docs/design.md §7). The cookie holds a random token;
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

    /// <summary>
    /// The practices whose rules admitted this session at sign-in (network allow-list, browser policy,
    /// single sign-on required). A console or API of a practice not listed refuses the session, whatever
    /// roles the account holds there (docs/security.md, "Sessions and the sign-in gate").
    /// </summary>
    public List<Guid> AdmittedFor { get; set; } = [];

    /// <summary>True when the sign-in that started this session was admitted by <paramref name="organizationId"/>'s rules.</summary>
    public bool IsAdmittedFor(Guid organizationId) => AdmittedFor.Contains(organizationId);

    /// <summary>A shallow copy (the admitted practices are shared, never changed after sign-in), for a changed idle clock.</summary>
    public Session Copy() => (Session)MemberwiseClone();

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
