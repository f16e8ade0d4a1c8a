using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Browsers;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Signpost.Core.Troubleshooting;

namespace Signpost.Core.Tests.Troubleshooting;

/// <summary>The troubleshooter's facts as plain lists, fed directly by the scenario stories.</summary>
public sealed class InMemoryTroubleshootingFacts : ITroubleshootingFacts
{
    public List<Organization> Organizations { get; } = [];
    public List<Account> Accounts { get; } = [];
    public List<SignInEvent> Events { get; } = [];
    public List<LockoutCounter> Counters { get; } = [];
    public List<MaintenanceWindow> Windows { get; } = [];
    public List<AuditEntry> Audit { get; } = [];
    public Dictionary<Guid, SsoHealth> Sso { get; } = [];

    public BrowserSupportOptions BrowserMatrix { get; } = TestBrowsers.Matrix();

    public Task<SignInEvent?> FindEventAsync(string traceId, CancellationToken cancellationToken) =>
        Task.FromResult(Events.FirstOrDefault(e => e.TraceId == traceId));

    public Task<Account?> FindAccountAsync(Guid accountId, CancellationToken cancellationToken) =>
        Task.FromResult(Accounts.FirstOrDefault(a => a.Id == accountId));

    public Task<Organization?> FindOrganizationAsync(Guid organizationId, CancellationToken cancellationToken) =>
        Task.FromResult(Organizations.FirstOrDefault(o => o.Id == organizationId));

    public Task<IReadOnlyList<SignInEvent>> ListAccountEventsAsync(Guid accountId, DateTimeOffset from, DateTimeOffset to, int take, CancellationToken cancellationToken) =>
        Task.FromResult(Window(Events.Where(e => e.AccountId == accountId), from, to, take));

    public Task<IReadOnlyList<SignInEvent>> ListIdentifierEventsAsync(string identifier, DateTimeOffset from, DateTimeOffset to, int take, CancellationToken cancellationToken) =>
        Task.FromResult(Window(Events.Where(e => e.AccountId is null && string.Equals(e.Identifier, identifier, StringComparison.OrdinalIgnoreCase)), from, to, take));

    public Task<IReadOnlyList<SignInEvent>> ListOrganizationFailuresAsync(Guid organizationId, IReadOnlyCollection<string> reasonCodes, DateTimeOffset from, DateTimeOffset to, int take, CancellationToken cancellationToken) =>
        Task.FromResult(Window(Events.Where(e => e.OrganizationId == organizationId && !e.Succeeded && reasonCodes.Contains(e.ReasonCode)), from, to, take));

    public Task<IReadOnlyList<LockoutCounter>> ListLockoutCountersAsync(Guid accountId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LockoutCounter>>([.. Counters.Where(c => c.AccountId == accountId)]);

    public Task<IReadOnlyList<MaintenanceWindow>> ListMaintenanceAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MaintenanceWindow>>([.. Windows.Where(w => w.StartsAt < to && w.EndsAt > from).OrderBy(w => w.StartsAt)]);

    public Task<IReadOnlyList<AuditEntry>> ListAdminChangesAsync(Account account, int take, CancellationToken cancellationToken)
    {
        var memberships = account.Memberships.Select(m => m.Id.ToString()).ToHashSet();
        return Task.FromResult<IReadOnlyList<AuditEntry>>([.. Audit
            .Where(a => (a.TargetType == "account" && a.TargetId == account.Id.ToString()) || (a.TargetType == "membership" && memberships.Contains(a.TargetId ?? "")))
            .OrderByDescending(a => a.At).Take(take)]);
    }

    public Task<IReadOnlyList<string>> FindSimilarIdentifiersAsync(string identifier, int take, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. Accounts
            .SelectMany(a => new[] { a.Username, a.Npi })
            .OfType<string>()
            .Where(known => Distance(known.ToUpperInvariant(), identifier.Trim().ToUpperInvariant()) <= 2)
            .Order(StringComparer.Ordinal)
            .Take(take)]);

    public Task<SsoHealth?> FindSsoHealthAsync(Guid organizationId, CancellationToken cancellationToken) =>
        Task.FromResult(Sso.GetValueOrDefault(organizationId));

    private static IReadOnlyList<SignInEvent> Window(IEnumerable<SignInEvent> events, DateTimeOffset from, DateTimeOffset to, int take) =>
        [.. events.Where(e => e.OccurredAt >= from && e.OccurredAt <= to).OrderByDescending(e => e.Id).Take(take).OrderBy(e => e.Id)];

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
