using Signpost.Core.Accounts;

namespace Signpost.Core.CredentialAudits;

/// <summary>How much a finding needs attention.</summary>
public enum FindingSeverity
{
    /// <summary>For the record; confirm it was intended.</summary>
    Info,

    /// <summary>Act on it before the next review.</summary>
    Warning,

    /// <summary>Act on it now.</summary>
    Critical,
}

/// <summary>One thing the review should act on: a plain sentence, what to do, and who it concerns.</summary>
/// <param name="Code">Stable name, e.g. <c>admins_inactive</c> (CSV, tests, docs).</param>
/// <param name="Severity">How urgent.</param>
/// <param name="Finding">What was found, one sentence.</param>
/// <param name="RecommendedAction">What an administrator should do about it, one sentence.</param>
/// <param name="Usernames">The accounts concerned (empty for a practice-wide finding).</param>
public sealed record CredentialAuditFinding(string Code, FindingSeverity Severity, string Finding, string RecommendedAction, IReadOnlyList<string> Usernames);

/// <summary>One person in the report, with what the review looks at.</summary>
/// <param name="Member">The facts.</param>
/// <param name="DaysSinceSignIn">Whole days since the last successful sign-in; null when none is on record.</param>
/// <param name="PasswordAgeDays">Whole days since the password was set; null when none was.</param>
/// <param name="Inactive">Active, and no sign-in for the inactivity threshold.</param>
/// <param name="Locked">Locked right now.</param>
/// <param name="InvitationPendingDays">For a pending account: whole days since the invitation; else null.</param>
/// <param name="PasswordPastExpiry">The practice's expiry policy is on and the password is older than it allows.</param>
/// <param name="Findings">Codes of the findings that name this person.</param>
public sealed record CredentialAuditRow(
    AuditedMember Member,
    int? DaysSinceSignIn,
    int? PasswordAgeDays,
    bool Inactive,
    bool Locked,
    int? InvitationPendingDays,
    bool PasswordPastExpiry,
    IReadOnlyList<string> Findings)
{
    /// <summary>What the MFA column says for a person without a second factor.</summary>
    public const string MfaNone = "none";

    /// <summary>
    /// The person's second factors, e.g. "1 authenticator app, 2 passkeys", or <see cref="MfaNone"/> (docs/mfa.md).
    /// A value for the reviewer; whether one is required is the practice's policy, enforced at sign-in.
    /// </summary>
    public string Mfa
    {
        get
        {
            var methods = new List<string>();
            if (Member.Authenticators > 0)
            {
                methods.Add($"{Member.Authenticators} authenticator app{(Member.Authenticators == 1 ? "" : "s")}");
            }

            if (Member.Passkeys > 0)
            {
                methods.Add($"{Member.Passkeys} passkey{(Member.Passkeys == 1 ? "" : "s")}");
            }

            return methods.Count == 0 ? MfaNone : string.Join(", ", methods);
        }
    }

    /// <summary>"PracticeAdmin, Staff": the roles in a stable order.</summary>
    public string RoleNames => Member.Roles == PracticeRoles.None
        ? "none"
        : string.Join(", ", Enum.GetValues<PracticeRoles>().Where(r => r != PracticeRoles.None && Member.Roles.HasFlag(r)).OrderByDescending(r => r).Select(r => r.ToString()));
}

/// <summary>A credential audit of one practice at one instant: a row per person and the findings, most severe first.</summary>
public sealed record CredentialAuditReport(
    CredentialAuditFacts Facts,
    DateTimeOffset GeneratedAt,
    CredentialAuditThresholds Thresholds,
    IReadOnlyList<CredentialAuditRow> Rows,
    IReadOnlyList<CredentialAuditFinding> Findings)
{
    /// <summary>Active accounts holding PracticeAdmin.</summary>
    public int ActiveAdmins => Rows.Count(r => r.Member.IsAdmin && r.Member.Status == AccountStatus.Active);
}
