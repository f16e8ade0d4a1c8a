using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Events;
using Signpost.Core.Organizations;
using Signpost.Data;

namespace Signpost.Web.Queries;

/// <summary>
/// What the practice console and the public help page read about one practice (its people, their sign-in outcomes,
/// the audit trail's entries about it): read-only and untracked, every query bounded by the practice it is given.
/// Writes go through Core services and Data stores; screens read from <c>Web/Queries/</c> (README "Layout").
/// </summary>
public sealed class PracticeQueries(SignpostDbContext db)
{
    public Task<Organization?> FindOrganizationAsync(Guid organizationId, CancellationToken cancellationToken) =>
        db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, cancellationToken);

    /// <summary>
    /// The practice's active members with their roles there, by display name, at most <paramref name="take"/>: only those holding
    /// any of <paramref name="role"/>, in <paramref name="status"/>, and whose normalized username, email, upper-cased name or NPI
    /// contains <paramref name="key"/>, when given.
    /// </summary>
    public async Task<IReadOnlyList<(Account Account, PracticeRoles Roles)>> ListMembersAsync(
        Guid organizationId, PracticeRoles? role, AccountStatus? status, string? key, int take, CancellationToken cancellationToken)
    {
        var members = db.Memberships.AsNoTracking().Where(m => m.OrganizationId == organizationId && m.Status == MembershipStatus.Active);
        if (role is { } r)
        {
            members = members.Where(m => (m.Roles & r) != 0);
        }

        var query = from m in members
                    join a in db.Accounts.AsNoTracking() on m.AccountId equals a.Id
                    select new { a, m.Roles };
        if (status is { } s)
        {
            query = query.Where(x => x.a.Status == s);
        }

        if (key is not null)
        {
            query = query.Where(x => x.a.NormalizedUsername.Contains(key) || x.a.NormalizedEmail.Contains(key)
                || x.a.DisplayName.ToUpper().Contains(key) || (x.a.Npi != null && x.a.Npi.Contains(key)));
        }

        var rows = await query.OrderBy(x => x.a.DisplayName).Take(take).ToListAsync(cancellationToken);
        return [.. rows.Select(x => (x.a, x.Roles))];
    }

    /// <summary>The person's newest sign-in attempts, newest first.</summary>
    public async Task<IReadOnlyList<SignInEvent>> RecentOutcomesAsync(Guid accountId, int take, CancellationToken cancellationToken) =>
        await db.SignInEvents.AsNoTracking().Where(e => e.AccountId == accountId).OrderByDescending(e => e.Id).Take(take).ToListAsync(cancellationToken);

    /// <summary>
    /// Newest audit entries but refusals: the practice's own, or (with <paramref name="accountId"/>) one person's made
    /// in this practice or outside any.
    /// </summary>
    public async Task<IReadOnlyList<AuditEntry>> RecentChangesAsync(Guid organizationId, Guid? accountId, string refusalAction, int take, CancellationToken cancellationToken)
    {
        var entries = db.AuditEntries.AsNoTracking().Where(e => e.Action != refusalAction);
        entries = accountId is { } id
            ? entries.Where(e => e.TargetType == "account" && e.TargetId == id.ToString() && (e.OrganizationId == null || e.OrganizationId == organizationId))
            : entries.Where(e => e.OrganizationId == organizationId);
        return await entries.OrderByDescending(e => e.Sequence).Take(take).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// When and why each sign-in attempt since <paramref name="since"/> of the practice ended: the practice's own, and its
    /// members' attempts that named no practice.
    /// </summary>
    public async Task<IReadOnlyList<(DateTimeOffset OccurredAt, string ReasonCode)>> OutcomesSinceAsync(Guid organizationId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var members = db.Memberships.Where(m => m.OrganizationId == organizationId).Select(m => m.AccountId);
        var events = await db.SignInEvents.AsNoTracking()
            .Where(e => e.OccurredAt >= since && (e.OrganizationId == organizationId || (e.OrganizationId == null && e.AccountId != null && members.Contains(e.AccountId.Value))))
            .Select(e => new { e.OccurredAt, e.ReasonCode })
            .ToListAsync(cancellationToken);
        return [.. events.Select(e => (e.OccurredAt, e.ReasonCode))];
    }
}
