using Signpost.Core.Accounts;
using Signpost.Core.CredentialAudits;
using Signpost.Core.Organizations;

namespace Signpost.Core.Tests.CredentialAudits;

/// <summary>Builds credential-audit facts for tests: one practice, people added by role and history.</summary>
internal static class AuditFacts
{
    /// <summary>Wednesday 1 April 2026 09:00 UTC: the morning after Q1 ended.</summary>
    public static readonly DateTimeOffset Now = new(2026, 4, 1, 9, 0, 0, TimeSpan.Zero);

    public static AuditedMember Member(
        string username,
        PracticeRoles roles = PracticeRoles.Staff,
        AccountStatus status = AccountStatus.Active,
        TimeSpan? createdAgo = null,
        TimeSpan? lastSignInAgo = null,
        TimeSpan? passwordAgo = null,
        TimeSpan? lockedFor = null,
        int extensionDays = 0) =>
        new(Guid.NewGuid(), username, username + " (name)", username + "@clinic.example", status, roles,
            Now - (createdAgo ?? TimeSpan.FromDays(400)),
            status == AccountStatus.PendingActivation ? null : Now - (passwordAgo ?? TimeSpan.FromDays(10)),
            lastSignInAgo is { } ago ? Now - ago : status == AccountStatus.Active ? Now - TimeSpan.FromDays(1) : null,
            lockedFor is { } lockFor ? Now + lockFor : null,
            extensionDays);

    public static AuditedMember Admin(string username, TimeSpan? lastSignInAgo = null) =>
        Member(username, PracticeRoles.PracticeAdmin | PracticeRoles.Staff, lastSignInAgo: lastSignInAgo);

    public static CredentialAuditFacts Practice(IEnumerable<AuditedMember> members, OrganizationPolicy? policy = null, IEnumerable<RoleChange>? changes = null) =>
        new(Guid.NewGuid(), "oakridge", "Oakridge Family Medicine", policy ?? new OrganizationPolicy(),
            Now.AddDays(-90), Now, members.ToList(), (changes ?? []).ToList());
}
