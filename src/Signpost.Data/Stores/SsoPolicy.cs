using Microsoft.EntityFrameworkCore;
using Signpost.Core.SingleSignOn;

namespace Signpost.Data.Stores;

internal sealed class SsoPolicy(SignpostDbContext db) : ISsoPolicy
{
    public async Task<IReadOnlySet<Guid>> RequiringSsoAsync(IReadOnlyCollection<Guid> organizationIds, CancellationToken cancellationToken)
    {
        if (organizationIds.Count == 0)
        {
            return new HashSet<Guid>();
        }

        var ids = organizationIds.ToList();
        var required = await db.SsoConnections.AsNoTracking()
            .Where(c => c.Required && c.Enabled && ids.Contains(c.OrganizationId))
            .Select(c => c.OrganizationId)
            .ToListAsync(cancellationToken);
        return required.ToHashSet();
    }
}
