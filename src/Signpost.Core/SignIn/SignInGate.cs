using System.Net;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Browsers;
using Signpost.Core.Events;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn;

namespace Signpost.Core.SignIn;

/// <summary>
/// The one check every way in passes — password (and its change page), single sign-on, and whatever comes
/// next — so a new path cannot forget a practice's rule (docs/security.md, "Sessions and the sign-in gate").
/// Each stage is an ordered list of small checks; the first refusal wins and carries the reason code the
/// caller records. The paths differ only in how the person is proven (a password, a provider's ID token).
/// </summary>
/// <remarks>
/// Two stages, because what may be told depends on whether the person is proven:
/// <list type="number">
/// <item><see cref="OpenAsync"/> and <see cref="CheckNamedPracticeAsync"/>, before anyone is proven: planned
/// downtime, and the rules of a practice that is public anyway (named in the URL, or the SSO connection's own).</item>
/// <item><see cref="AdmitAsync"/>, once the person is proven: the account's state, its memberships, and for
/// each practice its network allow-list, browser policy and "SSO required". What survives is the list of
/// practices the session is admitted for; consoles honour only those.</item>
/// </list>
/// </remarks>
public sealed class SignInGate(
    MaintenancePlanner maintenance,
    IOptionsMonitor<BrowserSupportOptions> browsers,
    ISsoPolicy ssoPolicy)
{
    private delegate Task<GateRefusal?> Check(GateEntry entry, CancellationToken cancellationToken);

    /// <summary>Stage one, in order: what holds for every attempt, whatever was typed.</summary>
    private IReadOnlyList<Check> OpeningChecks => [MaintenanceAsync];

    /// <summary>Stage one, continued once the attempt is well-formed: the named practice's public rules.</summary>
    private IReadOnlyList<Check> NamedPracticeChecks => [NamedNetworkAsync, NamedBrowserAsync];

    /// <summary>Stage two, in order: the proven account and each of its practices' rules.</summary>
    private IReadOnlyList<Check> AccountChecks => [AccountStateAsync, MembershipAsync, NetworkAsync, BrowserAsync, SsoRequiredAsync];

    /// <summary>Planned downtime, before anything typed is even read; null when the attempt may go on.</summary>
    public Task<GateRefusal?> OpenAsync(GateEntry entry, CancellationToken cancellationToken) => RunAsync(OpeningChecks, entry, cancellationToken);

    /// <summary>
    /// The rules of <see cref="GateEntry.Named"/> that are public anyway (network allow-list, browser block);
    /// null when the attempt may go on to prove the person.
    /// </summary>
    public Task<GateRefusal?> CheckNamedPracticeAsync(GateEntry entry, CancellationToken cancellationToken) => RunAsync(NamedPracticeChecks, entry, cancellationToken);

    /// <summary>Both parts of stage one, for a way in with nothing typed (single sign-on names its practice by its URL).</summary>
    public async Task<GateRefusal?> OpenForNamedPracticeAsync(GateEntry entry, CancellationToken cancellationToken) =>
        await OpenAsync(entry, cancellationToken) ?? await CheckNamedPracticeAsync(entry, cancellationToken);

    /// <summary>
    /// Runs the account checks for the proven <see cref="GateEntry.Account"/>; null when admitted, and then
    /// <see cref="GateEntry.Admitted"/> holds the practices the session may be used for.
    /// </summary>
    public Task<GateRefusal?> AdmitAsync(GateEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry.Account);
        return RunAsync(AccountChecks, entry, cancellationToken);
    }

    private static async Task<GateRefusal?> RunAsync(IReadOnlyList<Check> checks, GateEntry entry, CancellationToken cancellationToken)
    {
        foreach (var check in checks)
        {
            if (await check(entry, cancellationToken) is { } refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    /// <summary>Planned downtime is public, answers whatever was typed and costs no hash.</summary>
    private async Task<GateRefusal?> MaintenanceAsync(GateEntry entry, CancellationToken cancellationToken)
    {
        entry.Windows = await maintenance.AllInForceAsync(cancellationToken);
        var blocking = entry.Windows.FirstOrDefault(w => w.BlocksPasswordSignIn
            // A practice's own SSO under planned work: its provider is the way in being maintained.
            || (entry.Method == SignInMethod.Sso && w.Scope == MaintenanceScope.OrganizationSso && w.OrganizationId == entry.Named?.Id));
        if (blocking is null)
        {
            return null;
        }

        entry.Maintenance = blocking;
        return new(ReasonCodes.MaintenanceWindow, $"{blocking.Scope} maintenance {blocking.Id} until {blocking.EndsAt:O}.");
    }

    /// <summary>The named practice is public (in the URL, or the connection's), so its network rule may be told before the person is proven.</summary>
    private static Task<GateRefusal?> NamedNetworkAsync(GateEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Named is not { } named)
        {
            return Task.FromResult<GateRefusal?>(null);
        }

        entry.NetworkLabel = NetworkClassifier.Label(named, entry.Ip);
        return Task.FromResult(NetworkClassifier.IsAllowed(named, entry.Ip)
            ? null
            : new GateRefusal(ReasonCodes.NetworkNotAllowed, $"Client address {entry.Ip} is outside {named.Slug}'s allowed networks."));
    }

    private Task<GateRefusal?> NamedBrowserAsync(GateEntry entry, CancellationToken cancellationToken) =>
        Task.FromResult(entry.Named is { } named && named.Policy.BrowserPolicy == BrowserPolicy.Block && !browsers.CurrentValue.IsSupported(entry.Browser)
            ? new GateRefusal(ReasonCodes.BrowserUnsupported, $"{entry.Browser} is outside the matrix ({browsers.CurrentValue.Describe()}); {named.Slug} blocks.")
            : null);

    /// <summary>Disabled, pending and flagged accounts stop every way in.</summary>
    private static Task<GateRefusal?> AccountStateAsync(GateEntry entry, CancellationToken cancellationToken)
    {
        var account = entry.Account!;
        GateRefusal? refusal = account.Status switch
        {
            AccountStatus.Disabled => new(ReasonCodes.AccountDisabled, "Account status is disabled."),
            AccountStatus.PendingActivation => new(ReasonCodes.AccountPendingActivation, "Account has not been activated."),
            _ when account.Flagged => new(ReasonCodes.AccountFlagged, "Account is flagged for review."),
            _ => null,
        };
        return Task.FromResult(refusal);
    }

    /// <summary>
    /// The practices the account may enter: active memberships with a role, narrowed to the named practice.
    /// Platform staff need no membership to sign in with a password; a practice's provider never speaks for
    /// anyone outside that practice, so single sign-on always needs one.
    /// </summary>
    private static Task<GateRefusal?> MembershipAsync(GateEntry entry, CancellationToken cancellationToken)
    {
        var account = entry.Account!;
        var active = account.Memberships.Where(m => m.Organization is not null && m.GivesAccess).Select(m => m.Organization!).ToList();
        if (entry.Named is { } named)
        {
            active = active.Where(o => o.Id == named.Id).ToList();
        }

        entry.Admitted = active;
        if (active.Count == 0 && (account.PlatformRoles == PlatformRoles.None || entry.Method == SignInMethod.Sso))
        {
            var where = entry.Named is { } o ? $" in {o.Slug}" : "";
            return Task.FromResult<GateRefusal?>(new(ReasonCodes.NoActiveMembership, $"No active membership with a role{where}."));
        }

        return Task.FromResult<GateRefusal?>(null);
    }

    /// <summary>Each practice's network allow-list; practices the address is outside of are not admitted.</summary>
    private static Task<GateRefusal?> NetworkAsync(GateEntry entry, CancellationToken cancellationToken)
    {
        var active = entry.Admitted;
        var reachable = active.Where(o => NetworkClassifier.IsAllowed(o, entry.Ip)).ToList();
        if (active.Count > 0 && reachable.Count == 0)
        {
            entry.NetworkLabel = NetworkClassifier.Label(active[0], entry.Ip);
            return Task.FromResult<GateRefusal?>(new(ReasonCodes.NetworkNotAllowed,
                $"Client address {entry.Ip} is outside the allowed networks of {string.Join(", ", active.Select(a => a.Slug))}."));
        }

        entry.Admitted = reachable;
        entry.NetworkLabel ??= reachable.Select(o => NetworkClassifier.Label(o, entry.Ip)).FirstOrDefault(l => l != NetworkClassifier.Unknown) ?? NetworkClassifier.Unknown;
        return Task.FromResult<GateRefusal?>(null);
    }

    /// <summary>A browser outside the support matrix is refused when any admitted practice blocks such browsers.</summary>
    private Task<GateRefusal?> BrowserAsync(GateEntry entry, CancellationToken cancellationToken) =>
        Task.FromResult(!browsers.CurrentValue.IsSupported(entry.Browser) && entry.Admitted.Any(o => o.Policy.BrowserPolicy == BrowserPolicy.Block)
            ? new GateRefusal(ReasonCodes.BrowserUnsupported, $"{entry.Browser} is outside the matrix ({browsers.CurrentValue.Describe()}).")
            : null);

    /// <summary>
    /// Practices that sign in through their own provider refuse every other way in; the rest of the account's
    /// practices stay admitted. Single sign-on through the practice's own connection is that way.
    /// </summary>
    private async Task<GateRefusal?> SsoRequiredAsync(GateEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Method == SignInMethod.Sso || entry.Admitted.Count == 0)
        {
            return null;
        }

        var requiring = await ssoPolicy.RequiringSsoAsync(entry.Admitted.Select(o => o.Id).ToList(), cancellationToken);
        if (requiring.Count == 0)
        {
            return null;
        }

        var open = entry.Admitted.Where(o => !requiring.Contains(o.Id)).ToList();
        if (open.Count == 0 && entry.Account!.PlatformRoles == PlatformRoles.None)
        {
            return new(ReasonCodes.SsoRequired, $"Password refused: {string.Join(", ", entry.Admitted.Select(o => o.Slug))} require(s) single sign-on.");
        }

        entry.Admitted = open;
        return null;
    }

    /// <summary>Whether the browser is inside the support matrix (a success from outside it is recorded with a warning).</summary>
    public bool IsSupported(BrowserInfo browser) => browsers.CurrentValue.IsSupported(browser);
}

/// <summary>One attempt as the gate sees it; the checks fill in what they learn.</summary>
public sealed class GateEntry(SignInMethod method, IPAddress? ip, BrowserInfo browser)
{
    /// <summary>How the person is proven: <see cref="SignInMethod.Sso"/> for a practice's provider, anything else for a password.</summary>
    public SignInMethod Method { get; } = method;

    public IPAddress? Ip { get; } = ip;

    public BrowserInfo Browser { get; } = browser;

    /// <summary>The practice named before anyone is proven: in the URL (<c>/o/{slug}</c>), or the SSO connection's.</summary>
    public Organization? Named { get; set; }

    /// <summary>The proven account, for <see cref="SignInGate.AdmitAsync"/>.</summary>
    public Account? Account { get; set; }

    /// <summary>Every maintenance window in force (filled by the first stage).</summary>
    public IReadOnlyList<MaintenanceWindow> Windows { get; set; } = [];

    /// <summary>The window that refused the attempt, if one did.</summary>
    public MaintenanceWindow? Maintenance { get; set; }

    public string? NetworkLabel { get; set; }

    /// <summary>The practices still admitted; after a network refusal, the practices that refused.</summary>
    public List<Organization> Admitted { get; set; } = [];
}

/// <summary>Why the gate refused: a reason code from the catalogue and the evidence for the event.</summary>
public sealed record GateRefusal(string ReasonCode, string Detail);
