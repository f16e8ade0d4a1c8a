using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Data;

namespace Signpost.Web.Queries;

/// <summary>
/// What the command line looks up before it acts or reports (a practice by slug, its head count): read-only and untracked.
/// Writes go through Core services and Data stores; reads come from <c>Web/Queries/</c> (README "Layout").
/// </summary>
public sealed class CliQueries(SignpostDbContext db)
{
    /// <summary>The id of the practice with exactly this (normalized) slug.</summary>
    public Task<Guid?> OrganizationIdAsync(string slug, CancellationToken cancellationToken) =>
        db.Organizations.AsNoTracking().Where(o => o.Slug == slug).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The practice with exactly this (normalized) slug.</summary>
    public Task<Organization?> FindOrganizationAsync(string slug, CancellationToken cancellationToken) =>
        db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Slug == slug, cancellationToken);

    /// <summary>How many active memberships the practice has.</summary>
    public Task<int> CountActiveMembersAsync(Guid organizationId, CancellationToken cancellationToken) =>
        db.Memberships.CountAsync(m => m.OrganizationId == organizationId && m.Status == MembershipStatus.Active, cancellationToken);
}
