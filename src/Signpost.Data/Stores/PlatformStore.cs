using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Organizations;

namespace Signpost.Data.Stores;

internal sealed class PlatformStore(SignpostDbContext db) : IPlatformStore
{
    public Task<Organization?> FindOrganizationForChangeAsync(string slug, CancellationToken cancellationToken) =>
        db.Organizations.FirstOrDefaultAsync(o => o.Slug == slug, cancellationToken);

    public Task<Account?> FindAccountForChangeAsync(string key, CancellationToken cancellationToken) =>
        db.Accounts.FirstOrDefaultAsync(a => a.NormalizedUsername == key || a.NormalizedEmail == key, cancellationToken);

    public Task AddOrganizationAsync(Organization organization, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken) =>
        SaveAsync(() => db.Organizations.Add(organization), withChange, cancellationToken);

    public Task AddAccountAsync(Account account, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken) =>
        SaveAsync(() => db.Accounts.Add(account), withChange, cancellationToken);

    public Task SaveOrganizationAsync(Organization organization, bool policyChanged, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken) =>
        SaveAsync(() =>
        {
            if (policyChanged)
            {
                // The policy is an owned type changed in place by a callback: say so, so every column is written.
                db.Entry(organization).Reference(o => o.Policy).TargetEntry!.State = EntityState.Modified;
            }
        }, withChange, cancellationToken);

    public Task SaveAccountAsync(Account account, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken) =>
        SaveAsync(() => { }, withChange, cancellationToken);

    private async Task SaveAsync(Action stage, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        stage();
        await db.SaveChangesAsync(cancellationToken);
        await withChange(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
