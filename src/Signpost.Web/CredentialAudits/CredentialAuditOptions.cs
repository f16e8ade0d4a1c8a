using System.ComponentModel.DataAnnotations;
using Signpost.Core.CredentialAudits;

namespace Signpost.Web.CredentialAudits;

/// <summary>Settings under <c>Signpost:CredentialAudits</c>: the scheduled report to practice admins and the finding thresholds.</summary>
public sealed class CredentialAuditOptions
{
    public const string Section = "Signpost:CredentialAudits";

    /// <summary>False stops the scheduled report on this node (the console page and the command line still work).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Months in one review period: 3 (quarterly, the seed's review) by default; 1, 2, 3, 4, 6 or 12.</summary>
    public int PeriodMonths { get; set; } = 3;

    /// <summary>Minutes between checks whether a period ended and its reports are due (default 360).</summary>
    [Range(1, 24 * 60, ErrorMessage = "Signpost:CredentialAudits:IntervalMinutes must be between 1 and 1440.")]
    public int IntervalMinutes { get; set; } = 360;

    /// <summary>Days without a sign-in after which an active account is reported inactive.</summary>
    [Range(1, 3650, ErrorMessage = "Signpost:CredentialAudits:InactiveDays must be between 1 and 3650.")]
    public int InactiveDays { get; set; } = 90;

    /// <summary>Days after which a pending invitation is reported overdue.</summary>
    [Range(1, 365, ErrorMessage = "Signpost:CredentialAudits:InvitationPendingDays must be between 1 and 365.")]
    public int InvitationPendingDays { get; set; } = 14;

    /// <summary>More active admins than this is reported.</summary>
    [Range(1, 1000, ErrorMessage = "Signpost:CredentialAudits:MaxAdmins must be between 1 and 1000.")]
    public int MaxAdmins { get; set; } = 3;

    public CredentialAuditThresholds Thresholds => new() { InactiveDays = InactiveDays, InvitationPendingDays = InvitationPendingDays, MaxAdmins = MaxAdmins };
}
