using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Browsers;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Signpost.Core.Troubleshooting;
using Signpost.Core.SingleSignOn;

namespace Signpost.Data.Stores;

/// <summary>
/// The troubleshooter's facts read from the database. Every query is bounded (a time range on an indexed
/// column, a <c>take</c>), read-only and untracked, so a diagnosis costs the same for an account with a
/// decade of events as for a new one.
/// </summary>
public sealed class DatabaseTroubleshootingFacts(
    SignpostDbContext db,
    IAccountStore accounts,
    IMaintenanceStore maintenance,
    IAuditStore audit,
    IOptionsMonitor<BrowserSupportOptions> browsers) : ITroubleshootingFacts
{
    /// <summary>Accounts compared with a mistyped identifier: those sharing its first characters, at most this many.</summary>
    public const int SimilarCandidates = 200;

    /// <summary>Edits (insert, delete, substitute) an identifier may be from a typed one to count as similar.</summary>
    public const int SimilarDistance = 2;

    public BrowserSupportOptions BrowserMatrix => browsers.CurrentValue;

    public Task<SignInEvent?> FindEventAsync(string traceId, CancellationToken cancellationToken) =>
        db.SignInEvents.AsNoTracking().Where(e => e.TraceId == traceId).OrderBy(e => e.Id).FirstOrDefaultAsync(cancellationToken);

    public Task<Account?> FindAccountAsync(Guid accountId, CancellationToken cancellationToken) => accounts.FindByIdAsync(accountId, cancellationToken);

    public Task<Organization?> FindOrganizationAsync(Guid organizationId, CancellationToken cancellationToken) =>
        db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, cancellationToken);

    public Task<IReadOnlyList<SignInEvent>> ListAccountEventsAsync(Guid accountId, DateTimeOffset from, DateTimeOffset to, int take, CancellationToken cancellationToken) =>
        NewestAsync(db.SignInEvents.Where(e => e.AccountId == accountId && e.OccurredAt >= from && e.OccurredAt <= to), take, cancellationToken);

    public Task<IReadOnlyList<SignInEvent>> ListIdentifierEventsAsync(string identifier, DateTimeOffset from, DateTimeOffset to, int take, CancellationToken cancellationToken)
    {
        var key = identifier.ToUpperInvariant();
        return NewestAsync(db.SignInEvents.Where(e => e.AccountId == null && e.OccurredAt >= from && e.OccurredAt <= to && e.Identifier != null && e.Identifier.ToUpper() == key), take, cancellationToken);
    }

    public Task<IReadOnlyList<SignInEvent>> ListOrganizationFailuresAsync(Guid organizationId, IReadOnlyCollection<string> reasonCodes, DateTimeOffset from, DateTimeOffset to, int take, CancellationToken cancellationToken) =>
        NewestAsync(OrganizationFailures(db, organizationId, reasonCodes, from, to), take, cancellationToken);

    /// <summary>
    /// A practice's failures with the given reasons in a range. The index on the practice's events holds the outcome and
    /// the reason beside the time, so only the matching rows are read from the table, not every attempt the practice
    /// made in the range (docs/troubleshooter.md, "What one diagnosis reads").
    /// </summary>
    public static IQueryable<SignInEvent> OrganizationFailures(SignpostDbContext db, Guid organizationId, IReadOnlyCollection<string> reasonCodes, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(db);
        var codes = reasonCodes.ToList();
        return db.SignInEvents.Where(e => e.OrganizationId == organizationId && e.OccurredAt >= from && e.OccurredAt <= to && !e.Succeeded && codes.Contains(e.ReasonCode));
    }

    public async Task<Core.Mfa.SecondFactorSummary?> FindSecondFactorAsync(Guid accountId, CancellationToken cancellationToken) =>
        new(await db.TotpAuthenticators.AsNoTracking().Where(a => a.AccountId == accountId && a.ConfirmedAt != null).OrderBy(a => a.CreatedAt).ToListAsync(cancellationToken),
            await db.RecoveryCodes.CountAsync(c => c.AccountId == accountId && c.UsedAt == null, cancellationToken),
            await db.SecondFactorStates.AsNoTracking().FirstOrDefaultAsync(s => s.AccountId == accountId, cancellationToken),
            await db.Passkeys.AsNoTracking().Where(p => p.AccountId == accountId).OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken));

    public async Task<IReadOnlyList<LockoutCounter>> ListLockoutCountersAsync(Guid accountId, CancellationToken cancellationToken) =>
        await db.LockoutCounters.AsNoTracking().Where(c => c.AccountId == accountId).OrderBy(c => c.DeviceKey).ToListAsync(cancellationToken);

    public Task<IReadOnlyList<MaintenanceWindow>> ListMaintenanceAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        maintenance.ListAsync(from, to, includeCancelled: true, cancellationToken);

    /// <summary>The account's entries, its memberships', and its practices' (a policy or network change is an admin change too); refusals are not changes.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAdminChangesAsync(Account account, int take, CancellationToken cancellationToken)
    {
        var entries = new List<AuditEntry>(await audit.ListForTargetAsync("account", account.Id.ToString(), take, cancellationToken));
        foreach (var membership in account.Memberships)
        {
            entries.AddRange(await audit.ListForTargetAsync("membership", membership.Id.ToString(), take, cancellationToken));
        }

        foreach (var organizationId in account.Memberships.Select(m => m.OrganizationId).Distinct())
        {
            entries.AddRange(await audit.ListForTargetAsync("organization", organizationId.ToString(), take, cancellationToken));
        }

        // A refusal (someone tried to reach this practice or person and was turned away) changed nothing, and
        // its actor may be another practice's administrator: not an admin change (docs/security.md).
        return [.. entries.Where(e => e.Action != AuditEntry.RefusalAction).DistinctBy(e => e.Sequence).OrderByDescending(e => e.Sequence).Take(take)];
    }

    /// <summary>
    /// Usernames, emails and NPIs within <see cref="SimilarDistance"/> edits of what was typed, among accounts
    /// that share its first two characters (an indexed prefix search; a typo rarely hits the first letters).
    /// </summary>
    public async Task<IReadOnlyList<string>> FindSimilarIdentifiersAsync(string identifier, int take, CancellationToken cancellationToken)
    {
        var typed = Account.Normalize(identifier);
        if (typed.Length < 3 || typed.Length > SignInEvent.MaxIdentifierLength)
        {
            return [];
        }

        var prefix = typed[..2];
        var candidates = await db.Accounts.AsNoTracking()
            .Where(a => a.NormalizedUsername.StartsWith(prefix) || a.NormalizedEmail.StartsWith(prefix) || (a.Npi != null && a.Npi.StartsWith(prefix)))
            .OrderBy(a => a.NormalizedUsername)
            .Take(SimilarCandidates)
            .Select(a => new { a.Username, a.NormalizedUsername, a.Email, a.NormalizedEmail, a.Npi })
            .ToListAsync(cancellationToken);
        var similar = new List<string>();
        foreach (var candidate in candidates)
        {
            if (Distance(candidate.NormalizedUsername, typed) <= SimilarDistance)
            {
                similar.Add(candidate.Username);
            }
            else if (Distance(candidate.NormalizedEmail, typed) <= SimilarDistance)
            {
                similar.Add(candidate.Email);
            }
            else if (candidate.Npi is { } npi && Distance(npi, typed) <= SimilarDistance)
            {
                similar.Add(npi);
            }
        }

        return [.. similar.Where(s => !string.Equals(Account.Normalize(s), typed, StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal).Take(take)];
    }

    /// <summary>No SSO connections exist yet; the SSO feature answers here (or registers a check of its own).</summary>
    /// <summary>
    /// The organization's enabled connection read with its newest health record (by ID: records are appended,
    /// and SQLite cannot order by an instant). A disabled connection is not a sign-on method: null.
    /// </summary>
    public async Task<SsoHealth?> FindSsoHealthAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        var connection = await db.SsoConnections.AsNoTracking().FirstOrDefaultAsync(c => c.OrganizationId == organizationId && c.Enabled, cancellationToken);
        if (connection is null)
        {
            return null;
        }

        var latest = await db.SsoHealthRecords.AsNoTracking().Where(r => r.ConnectionId == connection.Id)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        return SsoHealthReading.From(connection, latest);
    }

    private static async Task<IReadOnlyList<SignInEvent>> NewestAsync(IQueryable<SignInEvent> query, int take, CancellationToken cancellationToken)
    {
        var newest = await query.AsNoTracking().OrderByDescending(e => e.Id).Take(take).ToListAsync(cancellationToken);
        newest.Reverse();
        return newest;
    }

    /// <summary>Levenshtein distance, stopping early once it exceeds what counts as similar.</summary>
    private static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > SimilarDistance)
        {
            return SimilarDistance + 1;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
