using System.ComponentModel.DataAnnotations;

namespace Signpost.Web.Infrastructure;

/// <summary>Host settings under <c>Signpost</c>; validated at start so a typo stops the process with its name.</summary>
public sealed class SignpostOptions
{
    public const string Section = "Signpost";

    /// <summary>Base of every link Signpost prints or sends; never taken from a request's Host header.</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>Sign-in events older than this are purged (default 400 days: a year plus a quarter).</summary>
    [Range(1, 3650)]
    public int EventRetentionDays { get; set; } = 400;

    /// <summary>How long a sign-in form stays valid before it counts as a stale page.</summary>
    [Range(1, 24 * 60)]
    public int FormLifetimeMinutes { get; set; } = 120;

    /// <summary>Hours before a maintenance window that its notice appears on sign-in pages and the home page.</summary>
    [Range(0, 24 * 90)]
    public int MaintenanceNoticeLeadHours { get; set; } = 72;

    /// <summary>
    /// Seconds a node uses the maintenance windows it read before reading them again for the sign-in gate:
    /// a change made on another node (or by the command line) takes effect within this bound, one made on
    /// this node at once; 0 reads them at every attempt (docs/maintenance.md).
    /// </summary>
    [Range(0, 300)]
    public int MaintenanceCacheSeconds { get; set; } = 5;

    /// <summary>
    /// How long a node uses a session and its account that it read before reading them again: sign-out, ended
    /// sessions and account, membership or practice changes made on another node (or by the command line) take
    /// effect here within this bound, ones made on this node at once; 0 reads them at every request
    /// (docs/security.md, "How soon an ended session stops working").
    /// </summary>
    [Range(0, 60)]
    public int SessionCacheSeconds { get; set; } = 5;

    public RateLimitOptions SignInRateLimit { get; set; } = new();

    /// <summary>
    /// Seconds after the server begins listening that its background jobs start when no request came first;
    /// they start as soon as the first request is answered. 0 starts them with the host, before it listens
    /// (<see cref="Setup.JobStart"/>, docs/cli.md "What a start costs").
    /// </summary>
    [Range(0, 600)]
    public int JobsStartDelaySeconds { get; set; } = 5;

    /// <summary>Payer support's address, for escalations (docs/design.md §6); unset, escalations are only logged.</summary>
    [EmailAddress(ErrorMessage = "Signpost:SupportEmail must be an email address, for example support@payer.example.")]
    public string? SupportEmail { get; set; }
}

public sealed class RateLimitOptions
{
    /// <summary>Sign-in attempts per client address per minute, across the page and the API.</summary>
    [Range(1, 100_000)]
    public int PermitsPerMinute { get; set; } = 60;
}
