using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Data;
using Signpost.Web.Platform;

namespace Signpost.Web.Queries;

/// <summary>
/// What the platform console reads (organizations, their head counts, the platform roles): read-only and untracked.
/// Writes go through <see cref="Core.Administration.IPlatformStore"/>; screens read from <c>Web/Queries/</c> (README "Layout").
/// </summary>
public sealed class PlatformQueries(SignpostDbContext db)
{
    /// <summary>Every organization by name, with its active members and active practice admins.</summary>
    public async Task<IReadOnlyList<OrganizationSummary>> ListOrganizationsAsync(CancellationToken cancellationToken)
    {
        var organizations = await db.Organizations.AsNoTracking()
            .Select(o => new { o.Id, o.Slug, o.Name, o.CreatedAt })
            .ToListAsync(cancellationToken);
        var memberships = await db.Memberships.AsNoTracking()
            .Where(m => m.Status == MembershipStatus.Active)
            .Select(m => new { m.OrganizationId, m.Roles })
            .ToListAsync(cancellationToken);
        var byOrganization = memberships.ToLookup(m => m.OrganizationId);
        return organizations
            .Select(o => new OrganizationSummary(o.Id, o.Slug, o.Name, byOrganization[o.Id].Count(m => m.Roles != PracticeRoles.None),
                byOrganization[o.Id].Count(m => m.Roles.HasFlag(PracticeRoles.PracticeAdmin)), o.CreatedAt))
            .OrderBy(o => o.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>The organization with exactly this (normalized) slug.</summary>
    public Task<Organization?> FindOrganizationAsync(string slug, CancellationToken cancellationToken) =>
        db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Slug == slug, cancellationToken);

    /// <summary>Everyone holding a platform role, by username.</summary>
    public async Task<IReadOnlyList<PlatformPerson>> ListPlatformPeopleAsync(CancellationToken cancellationToken) =>
        await db.Accounts.AsNoTracking()
            .Where(a => a.PlatformRoles != PlatformRoles.None)
            .OrderBy(a => a.NormalizedUsername)
            .Select(a => new PlatformPerson(a.Id, a.Username, a.Email, a.DisplayName, a.PlatformRoles, a.Status))
            .ToListAsync(cancellationToken);

    /// <summary>How many active accounts other than <paramref name="accountId"/> hold PlatformAdmin.</summary>
    public Task<int> CountOtherActivePlatformAdminsAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Accounts.CountAsync(
            a => a.Id != accountId && a.Status == AccountStatus.Active && (a.PlatformRoles & PlatformRoles.PlatformAdmin) != 0, cancellationToken);
}
