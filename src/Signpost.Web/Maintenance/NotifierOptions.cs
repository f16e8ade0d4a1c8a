using System.ComponentModel.DataAnnotations;

namespace Signpost.Web.Maintenance;

/// <summary>Settings under <c>Signpost:Notifier</c>, the background job that sends maintenance alerts and escalations.</summary>
public sealed class NotifierOptions
{
    public const string Section = "Signpost:Notifier";

    /// <summary>Seconds between runs (default 60: a reminder goes out within a minute of being due).</summary>
    [Range(1, 3600, ErrorMessage = "Signpost:Notifier:IntervalSeconds must be between 1 and 3600.")]
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>False stops the timer on this node (runs can still be triggered, e.g. by tests or another node's job).</summary>
    public bool Enabled { get; set; } = true;
}
