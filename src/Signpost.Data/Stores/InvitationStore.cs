using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;

namespace Signpost.Data.Stores;

internal sealed class InvitationStore(SignpostDbContext db) : IInvitationStore
{
    public async Task<IReadOnlyList<InvitationOffer>> ListOffersAsync(Guid accountId, CancellationToken cancellationToken) =>
        await db.Memberships.AsNoTracking().Where(m => m.AccountId == accountId && m.Status == MembershipStatus.Invited)
            .OrderBy(m => m.Organization!.Name)
            .Select(m => new InvitationOffer(m.Id, m.Organization!.Name, m.Roles, m.CreatedAt))
            .ToListAsync(cancellationToken);

    public async Task<bool> TryOfferAsync(
        Guid accountId, int expectedVersion, Guid organizationId, PracticeRoles roles, DateTimeOffset at,
        Func<CancellationToken, Task> audit, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The version the caller read must still be the stored one, as for every edit of an account.
        var bumped = await db.Accounts.Where(a => a.Id == accountId && a.Version == expectedVersion)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Version, expectedVersion + 1), cancellationToken);
        if (bumped == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        var reopened = await db.Memberships.Where(m => m.AccountId == accountId && m.OrganizationId == organizationId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MembershipStatus.Invited).SetProperty(m => m.Roles, roles).SetProperty(m => m.CreatedAt, at), cancellationToken);
        if (reopened == 0)
        {
            var membership = new Membership { AccountId = accountId, OrganizationId = organizationId, Roles = roles, Status = MembershipStatus.Invited, CreatedAt = at };
            db.Memberships.Add(membership);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            finally
            {
                db.Entry(membership).State = EntityState.Detached;
            }
        }

        await audit(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task AnswerAsync(
        Guid accountId, IReadOnlyCollection<Guid> accepted,
        Func<Account, IReadOnlyList<Membership>, CancellationToken, Task> audit, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var account = await db.Accounts.Include(a => a.Memberships).ThenInclude(m => m.Organization)
            .FirstAsync(a => a.Id == accountId, cancellationToken);
        try
        {
            var answered = account.Memberships.Where(m => m.Status == MembershipStatus.Invited).ToList();
            foreach (var membership in answered)
            {
                membership.Status = accepted.Contains(membership.Id) ? MembershipStatus.Active : MembershipStatus.Removed;
            }

            account.Version++;
            await db.SaveChangesAsync(cancellationToken);
            await audit(account, answered, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            foreach (var membership in account.Memberships)
            {
                if (membership.Organization is not null)
                {
                    db.Entry(membership.Organization).State = EntityState.Detached;
                }

                db.Entry(membership).State = EntityState.Detached;
            }

            db.Entry(account).State = EntityState.Detached;
        }
    }
}
