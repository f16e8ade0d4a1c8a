using Microsoft.EntityFrameworkCore;
using Signpost.Core.Organizations;
using Signpost.Core.SingleSignOn;
using Signpost.Data;

namespace Signpost.Web.Queries;

/// <summary>
/// What single sign-on reads (connections, their practices, health history): read-only and untracked.
/// Writes go through <see cref="ISsoConnectionStore"/>; screens read from <c>Web/Queries/</c> (README "Layout").
/// </summary>
public sealed class SsoQueries(SignpostDbContext db)
{
    /// <summary>The practice's connection (enabled or not) with its practice, by the practice's slug.</summary>
    public Task<SsoConnection?> FindConnectionAsync(string slug, CancellationToken cancellationToken) =>
        db.SsoConnections.AsNoTracking().Include(c => c.Organization).FirstOrDefaultAsync(c => c.Organization!.Slug == slug, cancellationToken);

    /// <summary>Every connection with its practice, by slug.</summary>
    public Task<List<SsoConnection>> ListConnectionsAsync(CancellationToken cancellationToken) =>
        db.SsoConnections.AsNoTracking().Include(c => c.Organization).OrderBy(c => c.Organization!.Slug).ToListAsync(cancellationToken);

    /// <summary>The enabled connections with their practices.</summary>
    public Task<List<SsoConnection>> ListEnabledConnectionsAsync(CancellationToken cancellationToken) =>
        db.SsoConnections.AsNoTracking().Include(c => c.Organization).Where(c => c.Enabled).ToListAsync(cancellationToken);

    /// <summary>The practice with exactly this slug.</summary>
    public Task<Organization?> FindOrganizationAsync(string slug, CancellationToken cancellationToken) =>
        db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Slug == slug, cancellationToken);

    /// <summary>The connection's health checks, newest first, at most <paramref name="take"/>.</summary>
    public async Task<IReadOnlyList<SsoHealthRecord>> RecentHealthAsync(Guid connectionId, int take, CancellationToken cancellationToken) =>
        (await db.SsoHealthRecords.AsNoTracking().Where(r => r.ConnectionId == connectionId).ToListAsync(cancellationToken))
            .OrderByDescending(r => r.CheckedAt).Take(take).ToList();
}
