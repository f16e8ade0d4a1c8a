using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Data;

namespace Signpost.Web.Queries;

/// <summary>
/// What the tenant boundary reads to decide who may see what (<see cref="Infrastructure.AdminScope"/>, <see cref="Infrastructure.AudienceProjection"/>):
/// memberships, practices and their administrators; read-only and untracked. The decisions stay with those two classes.
/// </summary>
public sealed class AccessQueries(SignpostDbContext db)
{
    /// <summary>The organizations in which <paramref name="accountId"/>, while active, holds an active PracticeAdmin membership.</summary>
    public Task<List<Guid>> AdministeredMembershipIdsAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Memberships
            .Where(m => m.AccountId == accountId && m.Status == MembershipStatus.Active && (m.Roles & PracticeRoles.PracticeAdmin) != 0)
            .Where(m => db.Accounts.Any(a => a.Id == accountId && a.Status == AccountStatus.Active))
            .Select(m => m.OrganizationId)
            .ToListAsync(cancellationToken);

    /// <summary>True when <paramref name="accountId"/> has an active membership in one of <paramref name="organizationIds"/>.</summary>
    public Task<bool> HasActiveMembershipInAsync(Guid accountId, IReadOnlyCollection<Guid> organizationIds, CancellationToken cancellationToken) =>
        db.Memberships.AnyAsync(
            m => m.AccountId == accountId && m.Status == MembershipStatus.Active && organizationIds.Contains(m.OrganizationId), cancellationToken);

    public Task<bool> AccountExistsAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Accounts.AnyAsync(a => a.Id == accountId, cancellationToken);

    /// <summary>The ID of every organization.</summary>
    public async Task<IReadOnlySet<Guid>> AllOrganizationIdsAsync(CancellationToken cancellationToken) =>
        (await db.Organizations.AsNoTracking().Select(o => o.Id).ToListAsync(cancellationToken)).ToHashSet();

    /// <summary>Every organization, by name.</summary>
    public async Task<IReadOnlyList<Organization>> ListOrganizationsAsync(CancellationToken cancellationToken) =>
        await db.Organizations.AsNoTracking().OrderBy(o => o.Name).ToListAsync(cancellationToken);

    /// <summary>The organizations of <paramref name="organizationIds"/>, by name.</summary>
    public async Task<IReadOnlyList<Organization>> ListOrganizationsAsync(IReadOnlyCollection<Guid> organizationIds, CancellationToken cancellationToken) =>
        await db.Organizations.AsNoTracking().Where(o => organizationIds.Contains(o.Id)).OrderBy(o => o.Name).ToListAsync(cancellationToken);

    /// <summary>The organizations of <paramref name="organizationIds"/>, unordered.</summary>
    public async Task<IReadOnlyList<Organization>> FindOrganizationsAsync(IReadOnlyCollection<Guid> organizationIds, CancellationToken cancellationToken) =>
        await db.Organizations.AsNoTracking().Where(o => organizationIds.Contains(o.Id)).ToListAsync(cancellationToken);

    /// <summary>The organizations the account has a membership of (any status).</summary>
    public async Task<IReadOnlyList<Guid>> MembershipOrganizationIdsAsync(Guid accountId, CancellationToken cancellationToken) =>
        await db.Memberships.AsNoTracking().Where(m => m.AccountId == accountId).Select(m => m.OrganizationId).ToListAsync(cancellationToken);

    /// <summary>Every membership of <paramref name="organizationIds"/> (any status) with its roles and its account's username.</summary>
    public async Task<IReadOnlyList<(Guid AccountId, PracticeRoles Roles, string Username)>> MembersWithRolesAsync(IReadOnlyCollection<Guid> organizationIds, CancellationToken cancellationToken) =>
        [.. (await db.Memberships.AsNoTracking().Where(m => organizationIds.Contains(m.OrganizationId))
                .Join(db.Accounts.AsNoTracking(), m => m.AccountId, a => a.Id, (m, a) => new { m.AccountId, m.Roles, a.Username })
                .ToListAsync(cancellationToken))
            .Select(m => (m.AccountId, m.Roles, m.Username))];
}
