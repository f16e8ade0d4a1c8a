namespace Signpost.Core.CredentialAudits;

/// <summary>
/// When the credential audit raises a finding. Defaults follow the seed's quarterly review: an account
/// unused for a quarter (90 days) should be questioned, an invitation unanswered for two weeks resent or withdrawn.
/// </summary>
public sealed record CredentialAuditThresholds
{
    /// <summary>An active account without a successful sign-in for this many days (or since creation, if it never signed in) is inactive.</summary>
    public int InactiveDays { get; init; } = 90;

    /// <summary>An invitation (an account pending activation) older than this many days is overdue.</summary>
    public int InvitationPendingDays { get; init; } = 14;

    /// <summary>More active admins than this is a finding: admin rights belong to the few who manage users.</summary>
    public int MaxAdmins { get; init; } = 3;

    /// <summary>Problems with these values, each naming its setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (InactiveDays is < 1 or > 3650)
        {
            problems.Add("InactiveDays must be between 1 and 3650.");
        }

        if (InvitationPendingDays is < 1 or > 365)
        {
            problems.Add("InvitationPendingDays must be between 1 and 365.");
        }

        if (MaxAdmins is < 1 or > 1000)
        {
            problems.Add("MaxAdmins must be between 1 and 1000.");
        }

        return problems;
    }
}
