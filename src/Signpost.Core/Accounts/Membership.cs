using Signpost.Core.Organizations;

namespace Signpost.Core.Accounts;

/// <summary>Roles a person holds in one practice.</summary>
[Flags]
public enum PracticeRoles
{
    None = 0,
    Staff = 1,
    Provider = 2,
    PracticeAdmin = 4,
}

public enum MembershipStatus
{
    Active,
    Removed,
    /// <summary>Offered by a practice administrator, not yet accepted by the person: gives no access (docs/security.md).</summary>
    Invited,
}

/// <summary>Account ↔ organization, with roles. Access needs an active membership with at least one role.</summary>
public sealed class Membership
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid AccountId { get; set; }
    public Guid OrganizationId { get; set; }
    public Organization? Organization { get; set; }
    public PracticeRoles Roles { get; set; } = PracticeRoles.Staff;
    public MembershipStatus Status { get; set; } = MembershipStatus.Active;
    public DateTimeOffset CreatedAt { get; set; }

    public bool GivesAccess => Status == MembershipStatus.Active && Roles != PracticeRoles.None;
}
