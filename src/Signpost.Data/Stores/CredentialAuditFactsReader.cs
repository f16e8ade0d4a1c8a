using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.CredentialAudits;

namespace Signpost.Data.Stores;

/// <summary>
/// Reads a practice's credential-audit facts from the database: active memberships with their accounts, the
/// last successful sign-in and any lock now of each, and the audit trail's changes to people and roles in
/// the period. Sign-ins and locks are read in batches of members so that a practice of thousands streams
/// with progress instead of one huge query.
/// </summary>
public sealed class CredentialAuditFactsReader(SignpostDbContext db, TimeProvider time) : ICredentialAuditFacts
{
    /// <summary>The audit actions that change who has access or with which roles.</summary>
    public static readonly IReadOnlyList<string> RoleChangeActions =
    [
        "account.create", "account.invite", "account.disable", "account.enable", "membership.add", "membership.roles", "membership.remove", "membership.reassign",
    ];

    private const int Batch = 500;

    public async Task<DateTimeOffset?> CreatedAtAsync(Guid organizationId, CancellationToken cancellationToken) =>
        await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId).Select(o => (DateTimeOffset?)o.CreatedAt).FirstOrDefaultAsync(cancellationToken);

    public async Task<CredentialAuditFacts?> ReadAsync(Guid organizationId, DateTimeOffset periodStart, DateTimeOffset periodEnd, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var organization = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, cancellationToken);
        if (organization is null)
        {
            return null;
        }

        var people = await db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId && m.Status == MembershipStatus.Active)
            .Join(db.Accounts, m => m.AccountId, a => a.Id, (m, a) => new
            {
                a.Id, a.Username, a.DisplayName, a.Email, a.Status, m.Roles, a.CreatedAt, a.PasswordChangedAt, a.PasswordExpiryExtensionDays,
            })
            .ToListAsync(cancellationToken);

        var now = time.GetUtcNow();
        var members = new List<AuditedMember>(people.Count);
        foreach (var chunk in people.Chunk(Batch))
        {
            var ids = chunk.Select(p => p.Id).ToList();
            var lastSignIns = await db.SignInEvents.AsNoTracking()
                .Where(e => e.AccountId != null && ids.Contains(e.AccountId.Value) && e.Succeeded)
                .GroupBy(e => e.AccountId!.Value)
                .Select(g => new { AccountId = g.Key, At = g.Max(e => e.OccurredAt) })
                .ToDictionaryAsync(x => x.AccountId, x => x.At, cancellationToken);
            var locks = (await db.LockoutCounters.AsNoTracking()
                    .Where(c => ids.Contains(c.AccountId) && c.LockedUntil != null && c.LockedUntil > now)
                    .Select(c => new { c.AccountId, c.LockedUntil })
                    .ToListAsync(cancellationToken))
                .GroupBy(c => c.AccountId)
                .ToDictionary(g => g.Key, g => g.Max(c => c.LockedUntil));
            var authenticators = await db.TotpAuthenticators.AsNoTracking()
                .Where(a => ids.Contains(a.AccountId) && a.ConfirmedAt != null)
                .GroupBy(a => a.AccountId)
                .Select(g => new { AccountId = g.Key, Count = g.Count() })
                .ToDictionaryAsync(x => x.AccountId, x => x.Count, cancellationToken);
            var passkeys = await db.Passkeys.AsNoTracking()
                .Where(k => ids.Contains(k.AccountId))
                .GroupBy(k => k.AccountId)
                .Select(g => new { AccountId = g.Key, Count = g.Count() })
                .ToDictionaryAsync(x => x.AccountId, x => x.Count, cancellationToken);
            members.AddRange(chunk.Select(p => new AuditedMember(p.Id, p.Username, p.DisplayName, p.Email, p.Status, p.Roles, p.CreatedAt, p.PasswordChangedAt,
                lastSignIns.TryGetValue(p.Id, out var last) ? last : null, locks.TryGetValue(p.Id, out var until) ? until : null, p.PasswordExpiryExtensionDays,
                authenticators.GetValueOrDefault(p.Id), passkeys.GetValueOrDefault(p.Id))));
            progress?.Report(members.Count);
        }

        var entries = await db.AuditEntries.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId && e.At >= periodStart && e.At < periodEnd && RoleChangeActions.Contains(e.Action))
            .OrderBy(e => e.Sequence)
            .Select(e => new { e.At, e.Actor, e.Action, e.TargetId })
            .ToListAsync(cancellationToken);
        var usernames = people.ToDictionary(p => p.Id.ToString(), p => p.Username, StringComparer.OrdinalIgnoreCase);
        var changes = entries
            .Select(e => new RoleChange(e.At, e.Actor, e.Action, e.TargetId is { } id && usernames.TryGetValue(id, out var name) ? name : e.TargetId ?? ""))
            .ToList();

        return new CredentialAuditFacts(organization.Id, organization.Slug, organization.Name, organization.Policy, periodStart, periodEnd, members, changes);
    }
}
