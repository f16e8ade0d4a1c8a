using System.ComponentModel.DataAnnotations;

namespace Signpost.Web.Passwords;

/// <summary>Settings under <c>Signpost:ExpiryReminders</c>, the job that emails people before their password expires.</summary>
public sealed class ExpiryReminderOptions
{
    public const string Section = "Signpost:ExpiryReminders";

    /// <summary>False stops the timer on this node (another node's job, or a test, can still run it).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Minutes between runs (default 60: a reminder goes out within the hour it is due).</summary>
    [Range(1, 24 * 60, ErrorMessage = "Signpost:ExpiryReminders:IntervalMinutes must be between 1 and 1440.")]
    public int IntervalMinutes { get; set; } = 60;
}
