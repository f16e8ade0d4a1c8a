using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Core.SingleSignOn;

namespace Signpost.Data.Stores;

internal sealed class SsoLinkStore(SignpostDbContext db) : ISsoLinkStore
{
    public Task<Organization?> FindOrganizationAsync(Guid organizationId, CancellationToken cancellationToken) =>
        db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, cancellationToken);

    public Task<SsoLink?> FindLinkAsync(Guid connectionId, string subject, CancellationToken cancellationToken) =>
        db.SsoLinks.AsNoTracking().FirstOrDefaultAsync(l => l.ConnectionId == connectionId && l.Subject == subject, cancellationToken);

    public Task<SsoLinkCandidate?> FindByEmailAsync(Guid organizationId, string email, CancellationToken cancellationToken)
    {
        var key = Account.Normalize(email);
        return CandidateAsync(organizationId, db.Accounts.AsNoTracking().Where(a => a.NormalizedEmail == key), cancellationToken);
    }

    public Task<SsoLinkCandidate?> FindByNpiAsync(Guid organizationId, string npi, CancellationToken cancellationToken) =>
        CandidateAsync(organizationId, db.Accounts.AsNoTracking().Where(a => a.Npi == npi), cancellationToken);

    public Task<bool> IsTakenAsync(IdentifierKind kind, string value, CancellationToken cancellationToken)
    {
        var key = Account.Normalize(value);
        return kind switch
        {
            IdentifierKind.Email => db.Accounts.AnyAsync(a => a.NormalizedEmail == key, cancellationToken),
            IdentifierKind.Npi => db.Accounts.AnyAsync(a => a.Npi == value, cancellationToken),
            _ => db.Accounts.AnyAsync(a => a.NormalizedUsername == key, cancellationToken),
        };
    }

    public Task LinkAsync(SsoLink link, Func<CancellationToken, Task> audit, CancellationToken cancellationToken) =>
        AddAuditedAsync([link], audit, cancellationToken);

    public Task CreateAsync(Account account, SsoLink link, Func<CancellationToken, Task> audit, CancellationToken cancellationToken) =>
        AddAuditedAsync([account, link], audit, cancellationToken);

    /// <summary>Inserts the rows (with what they hold, e.g. an account's memberships), then runs <paramref name="audit"/>, in one transaction.</summary>
    private async Task AddAuditedAsync(object[] rows, Func<CancellationToken, Task> audit, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.AddRange(rows);
        var added = db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await audit(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            // Only these rows: the caller's own tracked entities stay as they are.
            added.ForEach(e => e.State = EntityState.Detached);
        }
    }

    /// <summary>Active members only count as members: an invitation not yet accepted does not (docs/sso.md).</summary>
    private Task<SsoLinkCandidate?> CandidateAsync(Guid organizationId, IQueryable<Account> matching, CancellationToken cancellationToken)
    {
        var memberIds = db.Memberships.Where(m => m.OrganizationId == organizationId && m.Status == MembershipStatus.Active).Select(m => m.AccountId);
        return matching.Select(a => new SsoLinkCandidate(a.Id, memberIds.Contains(a.Id), a.PlatformRoles != PlatformRoles.None)).FirstOrDefaultAsync(cancellationToken);
    }
}
