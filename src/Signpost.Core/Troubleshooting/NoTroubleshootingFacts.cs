using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Browsers;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;

namespace Signpost.Core.Troubleshooting;

/// <summary>
/// Facts that know nothing: the default of <see cref="TroubleshootingContext.Facts"/>, so a caller that
/// already holds the facts (a test, or a caller asking <see cref="DiagnosisEscalation"/> about events it
/// holds) can build a context from lists alone.
/// </summary>
public sealed class NoTroubleshootingFacts : ITroubleshootingFacts
{
    public static NoTroubleshootingFacts Instance { get; } = new();

    public BrowserSupportOptions BrowserMatrix { get; } = new();

    public Task<SignInEvent?> FindEventAsync(string traceId, CancellationToken cancellationToken) => Task.FromResult<SignInEvent?>(null);

    public Task<Account?> FindAccountAsync(Guid accountId, CancellationToken cancellationToken) => Task.FromResult<Account?>(null);

    public Task<Organization?> FindOrganizationAsync(Guid organizationId, CancellationToken cancellationToken) => Task.FromResult<Organization?>(null);

    public Task<IReadOnlyList<SignInEvent>> ListAccountEventsAsync(Guid accountId, DateTimeOffset from, DateTimeOffset to, int take, CancellationToken cancellationToken) => Empty<SignInEvent>();

    public Task<IReadOnlyList<SignInEvent>> ListIdentifierEventsAsync(string identifier, DateTimeOffset from, DateTimeOffset to, int take, CancellationToken cancellationToken) => Empty<SignInEvent>();

    public Task<IReadOnlyList<SignInEvent>> ListOrganizationFailuresAsync(Guid organizationId, IReadOnlyCollection<string> reasonCodes, DateTimeOffset from, DateTimeOffset to, int take, CancellationToken cancellationToken) => Empty<SignInEvent>();

    public Task<IReadOnlyList<LockoutCounter>> ListLockoutCountersAsync(Guid accountId, CancellationToken cancellationToken) => Empty<LockoutCounter>();

    public Task<IReadOnlyList<MaintenanceWindow>> ListMaintenanceAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) => Empty<MaintenanceWindow>();

    public Task<IReadOnlyList<AuditEntry>> ListAdminChangesAsync(Account account, int take, CancellationToken cancellationToken) => Empty<AuditEntry>();

    public Task<IReadOnlyList<string>> FindSimilarIdentifiersAsync(string identifier, int take, CancellationToken cancellationToken) => Empty<string>();

    public Task<SsoHealth?> FindSsoHealthAsync(Guid organizationId, CancellationToken cancellationToken) => Task.FromResult<SsoHealth?>(null);

    private static Task<IReadOnlyList<T>> Empty<T>() => Task.FromResult<IReadOnlyList<T>>([]);
}
