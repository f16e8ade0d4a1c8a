using Signpost.Core.Accounts;
using Signpost.Core.Organizations;

namespace Signpost.Core.CredentialAudits;

/// <summary>One person with an active membership in the audited practice, as the server knows them now.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Username">The provider ID.</param>
/// <param name="DisplayName">The name people know them by.</param>
/// <param name="Email">Their address.</param>
/// <param name="Status">Pending activation (an invitation), active or disabled.</param>
/// <param name="Roles">Their roles in this practice.</param>
/// <param name="CreatedAt">When the account was created; for a pending account, when the invitation went out.</param>
/// <param name="PasswordChangedAt">When the current password was set; null when none was ever set.</param>
/// <param name="LastSignInAt">The last successful sign-in the event store still holds; null for none.</param>
/// <param name="LockedUntil">The latest lock that holds now on any of the account's lockout keys; null when not locked.</param>
/// <param name="PasswordExpiryExtensionDays">Days an administrator added to the expiry policy for this person.</param>
/// <param name="Authenticators">Confirmed authenticator apps the person has (docs/mfa.md).</param>
/// <param name="Passkeys">Passkeys the person has.</param>
public sealed record AuditedMember(
    Guid AccountId,
    string Username,
    string DisplayName,
    string Email,
    AccountStatus Status,
    PracticeRoles Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PasswordChangedAt,
    DateTimeOffset? LastSignInAt,
    DateTimeOffset? LockedUntil,
    int PasswordExpiryExtensionDays = 0,
    int Authenticators = 0,
    int Passkeys = 0)
{
    public bool IsAdmin => Roles.HasFlag(PracticeRoles.PracticeAdmin);
}

/// <summary>An administrative change to people or roles in the period, from the audit trail.</summary>
/// <param name="At">When (UTC).</param>
/// <param name="Actor">Who made it, as the audit trail names them.</param>
/// <param name="Action">The audit action, e.g. <c>membership.roles</c>.</param>
/// <param name="Target">The account concerned (username when known, else its ID).</param>
public sealed record RoleChange(DateTimeOffset At, string Actor, string Action, string Target);

/// <summary>Everything a credential audit of one practice reads: gathered by the host, judged by <see cref="CredentialAuditBuilder"/>.</summary>
/// <param name="OrganizationId">The practice.</param>
/// <param name="Slug">Its slug.</param>
/// <param name="Name">Its name.</param>
/// <param name="Policy">Its policy (password expiry decides one finding).</param>
/// <param name="PeriodStart">Start of the period whose role changes are listed (inclusive).</param>
/// <param name="PeriodEnd">End of that period (exclusive).</param>
/// <param name="Members">People with an active membership.</param>
/// <param name="RoleChanges">Changes to people and roles in the period, oldest first.</param>
public sealed record CredentialAuditFacts(
    Guid OrganizationId,
    string Slug,
    string Name,
    OrganizationPolicy Policy,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    IReadOnlyList<AuditedMember> Members,
    IReadOnlyList<RoleChange> RoleChanges);
