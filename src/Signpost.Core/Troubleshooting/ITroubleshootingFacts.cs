using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Browsers;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;

namespace Signpost.Core.Troubleshooting;

/// <summary>
/// The server-side facts the troubleshooter reads (docs/design.md §5). Read-only, and every list is bounded by its
/// caller: a diagnosis must stay cheap even for an account with years of events. Core tests feed it
/// directly; the web host reads the database.
/// </summary>
public interface ITroubleshootingFacts
{
    /// <summary>The supported-browser matrix in force.</summary>
    BrowserSupportOptions BrowserMatrix { get; }

    Task<SignInEvent?> FindEventAsync(string traceId, CancellationToken cancellationToken);

    /// <summary>The account with its memberships and their organizations loaded.</summary>
    Task<Account?> FindAccountAsync(Guid accountId, CancellationToken cancellationToken);

    Task<Organization?> FindOrganizationAsync(Guid organizationId, CancellationToken cancellationToken);

    /// <summary>The account's events in [<paramref name="from"/>, <paramref name="to"/>], newest <paramref name="take"/>, oldest first.</summary>
    Task<IReadOnlyList<SignInEvent>> ListAccountEventsAsync(Guid accountId, DateTimeOffset from, DateTimeOffset to, int take, CancellationToken cancellationToken);

    /// <summary>Events that resolved no account but carry this identifier as typed (case-insensitive), oldest first.</summary>
    Task<IReadOnlyList<SignInEvent>> ListIdentifierEventsAsync(string identifier, DateTimeOffset from, DateTimeOffset to, int take, CancellationToken cancellationToken);

    /// <summary>Failed events of the organization whose reason is one of <paramref name="reasonCodes"/> (organization-wide SSO faults), oldest first.</summary>
    Task<IReadOnlyList<SignInEvent>> ListOrganizationFailuresAsync(Guid organizationId, IReadOnlyCollection<string> reasonCodes, DateTimeOffset from, DateTimeOffset to, int take, CancellationToken cancellationToken);

    /// <summary>Every lockout counter of the account (locked or not).</summary>
    Task<IReadOnlyList<LockoutCounter>> ListLockoutCountersAsync(Guid accountId, CancellationToken cancellationToken);

    /// <summary>Maintenance windows, cancelled ones included, whose span meets [<paramref name="from"/>, <paramref name="to"/>).</summary>
    Task<IReadOnlyList<MaintenanceWindow>> ListMaintenanceAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>The newest audit entries about the account and its memberships (step 7's "recent changes"), newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAdminChangesAsync(Account account, int take, CancellationToken cancellationToken);

    /// <summary>
    /// Existing usernames, emails or NPIs close to an identifier that matched nothing — for support's eyes
    /// only: shown to anyone else it would enumerate accounts.
    /// </summary>
    Task<IReadOnlyList<string>> FindSimilarIdentifiersAsync(string identifier, int take, CancellationToken cancellationToken);

    /// <summary>The health of the organization's SSO connection; null when it has none.</summary>
    Task<SsoHealth?> FindSsoHealthAsync(Guid organizationId, CancellationToken cancellationToken);

    /// <summary>The account's second factor: authenticators, recovery codes left, counter and lock (null: not known here).</summary>
    Task<Mfa.SecondFactorSummary?> FindSecondFactorAsync(Guid accountId, CancellationToken cancellationToken) => Task.FromResult<Mfa.SecondFactorSummary?>(null);
}

/// <summary>
/// What is known about one organization's SSO connection (docs/design.md §5 step 4). The SSO feature fills it;
/// until then no organization has one and step 4 says "not used here".
/// </summary>
/// <param name="ConnectionId">The connection, as events carry it in <c>SsoConnectionId</c>.</param>
/// <param name="Reachable">Null when not probed yet.</param>
/// <param name="SigningKeysValid">Null when not checked yet.</param>
/// <param name="CertificateExpiresAt">The signing certificate's end, when known.</param>
/// <param name="CheckedAt">When the health was last measured.</param>
/// <param name="Problem">The last probe's error, if any (support-only text).</param>
/// <param name="Required">True when the organization accepts only SSO (no passwords).</param>
public sealed record SsoHealth(
    string ConnectionId,
    bool? Reachable,
    bool? SigningKeysValid,
    DateTimeOffset? CertificateExpiresAt,
    DateTimeOffset? CheckedAt,
    string? Problem,
    bool Required);

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
