using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Email;
using Signpost.Core.Notifications;

namespace Signpost.Data.Stores;

internal sealed class PracticeAdminDirectory(SignpostDbContext db) : IPracticeAdminDirectory
{
    public async Task<IReadOnlyList<PracticeContacts>> ListAsync(Guid? organizationId, CancellationToken cancellationToken)
    {
        var organizations = await db.Organizations.AsNoTracking()
            .Where(o => organizationId == null || o.Id == organizationId)
            .Select(o => new { o.Id, o.Name, o.TimeZone })
            .ToListAsync(cancellationToken);

        // Roles is a flags column: filter the admin bit here, after the (small) per-practice load.
        var admins = await db.Memberships.AsNoTracking()
            .Where(m => (organizationId == null || m.OrganizationId == organizationId) && m.Status == MembershipStatus.Active)
            .Join(db.Accounts.Where(a => a.Status == AccountStatus.Active), m => m.AccountId, a => a.Id,
                (m, a) => new { m.OrganizationId, m.Roles, a.Email, a.DisplayName })
            .ToListAsync(cancellationToken);

        return organizations
            .OrderBy(o => o.Name, StringComparer.Ordinal)
            .Select(o => new PracticeContacts(o.Id, o.Name, o.TimeZone, admins
                .Where(a => a.OrganizationId == o.Id && a.Roles.HasFlag(PracticeRoles.PracticeAdmin))
                .OrderBy(a => a.Email, StringComparer.OrdinalIgnoreCase)
                .Select(a => new EmailAddress(a.Email, a.DisplayName))
                .ToList()))
            .ToList();
    }
}
