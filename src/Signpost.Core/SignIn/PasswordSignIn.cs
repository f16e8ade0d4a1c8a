using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Browsers;
using Signpost.Core.Devices;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Signpost.Core.Passwords;
using Signpost.Core.Reasons;
using Signpost.Core.Sessions;
using Signpost.Core.SingleSignOn;

namespace Signpost.Core.SignIn;

/// <summary>
/// The password sign-in pipeline. Every attempt ends in exactly one reason code and one event,
/// written before the caller answers. The order of the checks is the security design:
/// <list type="number">
/// <item>Input that cannot be an attempt (empty, too long, control characters) stops first, before any hashing.</item>
/// <item>Facts that are public once the organization is named in the URL (its network allow-list) come next.</item>
/// <item>The password is always hashed, against a dummy when there is no account, so timing does not reveal who exists.</item>
/// <item>Locks come before the password result: while locked, the correct password looks like a wrong one (SPEC §3).</item>
/// <item>Account states (disabled, pending, no membership, expired) are told only after the password is proven.</item>
/// <item>"SSO required" comes last among the refusals, after the password is proven: told earlier, it would
/// confirm to anyone typing an identifier that the account exists and which practice it belongs to. Before
/// that point the practice's page (<c>/o/{slug}</c>, public anyway) already offers or enforces its provider.</item>
/// </list>
/// </summary>
public sealed partial class PasswordSignIn(
    IAccountStore accounts,
    IOrganizationStore organizations,
    ILockoutStore lockouts,
    PasswordHashing hashing,
    PasswordPolicy policy,
    IPasswordHistoryStore history,
    DeviceCookies deviceCookies,
    SessionManager sessions,
    SignInEventRecorder recorder,
    IOptionsMonitor<BrowserSupportOptions> browsers,
    MaintenancePlanner maintenance,
    TimeProvider time,
    ISsoPolicy ssoPolicy)
{
    public const int MaxIdentifierLength = AccountRules.MaxIdentifierLength;

    public async Task<SignInResult> SignInAsync(PasswordSignInRequest request, CancellationToken cancellationToken)
    {
        var attempt = new Attempt(request, time.GetUtcNow());

        // Planned downtime first: it is public, it answers whatever was typed, and it costs no hash.
        var windows = await maintenance.AllInForceAsync(cancellationToken);
        if (windows.FirstOrDefault(w => w.BlocksPasswordSignIn) is { } blocking)
        {
            attempt.Maintenance = blocking;
            return await FinishAsync(attempt, ReasonCodes.MaintenanceWindow,
                detail: $"{blocking.Scope} maintenance {blocking.Id} until {blocking.EndsAt:O}.", ct: cancellationToken);
        }

        var problems = ValidateInput(request);
        if (problems.Count > 0)
        {
            return await FinishAsync(attempt, ReasonCodes.InvalidRequest, detail: string.Join(" ", problems), problems: problems, ct: cancellationToken);
        }

        var identifier = request.Identifier!.Trim();
        var kind = Identifiers.Classify(identifier);
        attempt.IdentifierKind = kind.ToString().ToLowerInvariant();

        if (request.OrganizationSlug is { } slug)
        {
            attempt.Organization = await organizations.FindBySlugAsync(slug, cancellationToken);
            if (attempt.Organization is { } named)
            {
                attempt.NetworkLabel = NetworkClassifier.Label(named, request.Client.Ip);

                // The organization is public in the URL, so its network rule may be told before the password.
                if (!NetworkClassifier.IsAllowed(named, request.Client.Ip))
                {
                    attempt.Account = await RefusedAttempts.AccountForRecordAsync(accounts, identifier, cancellationToken);
                    return await FinishAsync(attempt, ReasonCodes.NetworkNotAllowed, detail: $"Client address {request.Client.Ip} is outside {named.Slug}'s allowed networks.", ct: cancellationToken);
                }

                if (named.Policy.BrowserPolicy == BrowserPolicy.Block && !browsers.CurrentValue.IsSupported(attempt.Browser))
                {
                    // For the event only (RefusedAttempts): the refusal is told before any account is known.
                    attempt.Account = await RefusedAttempts.AccountForRecordAsync(accounts, identifier, cancellationToken);
                    return await FinishAsync(attempt, ReasonCodes.BrowserUnsupported, detail: $"{attempt.Browser} is outside the matrix ({browsers.CurrentValue.Describe()}); {named.Slug} blocks.", ct: cancellationToken);
                }
            }
        }

        var account = await accounts.FindByIdentifierAsync(kind, identifier, cancellationToken);
        attempt.Account = account;

        // Always exactly one hash: against the dummy when there is no account or no password yet.
        var check = hashing.Verify(account?.PasswordHash, request.Password!);
        if (account is null)
        {
            // The same database work as a wrong password on a real account (a read and a counted failure),
            // on a sentinel row that never locks: the response time must not tell who has an account.
            await lockouts.GetAsync(Guid.Empty, LockoutCounter.UntrustedKey, cancellationToken);
            await CountOnSentinelAsync(attempt, cancellationToken);
            return await FinishAsync(attempt, ReasonCodes.InvalidCredentials, detail: $"No account has this {attempt.IdentifierKind}.", ct: cancellationToken);
        }

        var device = await deviceCookies.VerifyAsync(
            request.Client.DeviceCookies.GetValueOrDefault(DeviceCookies.CookieName(account.Id)), account.Id, cancellationToken);
        attempt.DevicePresented = request.Client.DeviceCookies.ContainsKey(DeviceCookies.CookieName(account.Id));
        attempt.Device = device;
        var deviceKey = device?.DeviceId ?? LockoutCounter.UntrustedKey;
        var memberships = account.Memberships.Where(m => m.Organization is not null).ToList();
        var rules = LockoutRules.Strictest(memberships.Select(m => m.Organization!.Policy));

        // A window for one of the account's practices (its SSO, say) is in force: failures then count for
        // nothing (SPEC §7), since people retrying during planned work are not attackers.
        attempt.Maintenance = windows.FirstOrDefault(w => memberships.Any(m => w.Concerns(m.OrganizationId)));

        if (await GateAsync(attempt, account.Id, deviceKey, rules, check, "", cancellationToken) is { } refused)
        {
            return refused;
        }

        attempt.PasswordProven = true;
        if (check == PasswordCheck.CorrectNeedsRehash)
        {
            await accounts.UpdatePasswordHashAsync(account.Id, hashing.Hash(request.Password!), cancellationToken);
        }

        var denial = await CheckProvenAccountAsync(attempt, account, memberships, request, cancellationToken);
        if (denial is not null)
        {
            return denial;
        }

        await lockouts.ResetAsync(account.Id, deviceKey, cancellationToken);
        var reason = browsers.CurrentValue.IsSupported(attempt.Browser) ? ReasonCodes.SignedIn : ReasonCodes.SignedInBrowserWarning;
        return await StartSessionAsync(attempt, reason, cancellationToken);
    }

    /// <summary>
    /// Starts a session for an account whose password was just proven (here, or by the change-password
    /// page) and records the success.
    /// </summary>
    internal async Task<SignInResult> StartSessionAsync(Attempt attempt, string reason, CancellationToken cancellationToken, string? note = null)
    {
        var account = attempt.Account!;
        var policies = attempt.Allowed.Select(o => o.Policy);
        var issued = await sessions.StartAsync(account.Id, policies, attempt.Request.Client.Ip?.ToString(),
            SignInEventRecorder.Cut(attempt.Request.Client.UserAgent, SignInEvent.MaxUserAgentLength), attempt.Browser.ToString(),
            attempt.Request.TraceId, cancellationToken);
        (string, string)? newCookie = null;
        if (attempt.Device is null)
        {
            var (value, _) = await deviceCookies.IssueAsync(account.Id, cancellationToken);
            newCookie = (DeviceCookies.CookieName(account.Id), value);
        }

        return await FinishAsync(attempt, reason, session: issued, newDeviceCookie: newCookie,
            detail: $"Session for {attempt.Allowed.Count} practice(s); idle {issued.Session.IdleTimeout.TotalMinutes:0} min.{(note is null ? "" : " " + note)}", ct: cancellationToken);
    }

    private async Task<SignInResult?> CheckProvenAccountAsync(
        Attempt attempt, Account account, List<Membership> memberships, PasswordSignInRequest request, CancellationToken cancellationToken)
    {
        switch (account.Status)
        {
            case AccountStatus.Disabled:
                return await FinishAsync(attempt, ReasonCodes.AccountDisabled, detail: "Account status is disabled.", ct: cancellationToken);
            case AccountStatus.PendingActivation:
                return await FinishAsync(attempt, ReasonCodes.AccountPendingActivation, detail: "Account has not been activated.", ct: cancellationToken);
        }

        if (account.Flagged)
        {
            return await FinishAsync(attempt, ReasonCodes.AccountFlagged, detail: "Account is flagged for review.", ct: cancellationToken);
        }

        var active = memberships.Where(m => m.GivesAccess).Select(m => m.Organization!).ToList();
        if (attempt.Organization is { } named)
        {
            active = active.Where(o => o.Id == named.Id).ToList();
        }

        // Platform staff (support, operators) need no practice membership.
        if (active.Count == 0 && account.PlatformRoles == PlatformRoles.None)
        {
            var where = attempt.Organization is { } o ? $" in {o.Slug}" : "";
            return await FinishAsync(attempt, ReasonCodes.NoActiveMembership, detail: $"No active membership with a role{where}.", ct: cancellationToken);
        }

        var ip = request.Client.Ip;
        var reachable = active.Where(o => NetworkClassifier.IsAllowed(o, ip)).ToList();
        if (active.Count > 0 && reachable.Count == 0)
        {
            attempt.Allowed = active;
            attempt.NetworkLabel = NetworkClassifier.Label(active[0], ip);
            return await FinishAsync(attempt, ReasonCodes.NetworkNotAllowed,
                detail: $"Client address {ip} is outside the allowed networks of {string.Join(", ", active.Select(a => a.Slug))}.", ct: cancellationToken);
        }

        attempt.Allowed = reachable;
        attempt.NetworkLabel ??= reachable.Select(o => NetworkClassifier.Label(o, ip)).FirstOrDefault(l => l != NetworkClassifier.Unknown) ?? NetworkClassifier.Unknown;

        if (!browsers.CurrentValue.IsSupported(attempt.Browser) && reachable.Any(o => o.Policy.BrowserPolicy == BrowserPolicy.Block))
        {
            return await FinishAsync(attempt, ReasonCodes.BrowserUnsupported,
                detail: $"{attempt.Browser} is outside the matrix ({browsers.CurrentValue.Describe()}).", ct: cancellationToken);
        }

        // Practices that sign in through their own provider refuse passwords; the rest of the account's
        // practices stay reachable. Only after the password is proven (see the class remarks).
        var requiring = await ssoPolicy.RequiringSsoAsync(reachable.Select(o => o.Id).ToList(), cancellationToken);
        if (requiring.Count > 0)
        {
            var open = reachable.Where(o => !requiring.Contains(o.Id)).ToList();
            if (open.Count == 0 && account.PlatformRoles == PlatformRoles.None)
            {
                return await FinishAsync(attempt, ReasonCodes.SsoRequired,
                    detail: $"Password refused: {string.Join(", ", reachable.Select(o => o.Slug))} require(s) single sign-on.", ct: cancellationToken);
            }

            attempt.Allowed = reachable = open;
        }

        if (account.MustChangePassword)
        {
            attempt.PasswordChange = true;
            return await FinishAsync(attempt, ReasonCodes.PasswordResetRequired, detail: "An administrator or a compromise check required a new password.", ct: cancellationToken);
        }

        if (PasswordExpiry.ExpiredAt(account, reachable, attempt.At) is { } expiredAt)
        {
            attempt.PasswordChange = true;
            return await FinishAsync(attempt, ReasonCodes.PasswordExpired, detail: $"Password expired at {expiredAt:O}.", ct: cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// The lock, then the password: while the key is locked nothing is counted and even the right password
    /// is refused; a wrong password is counted (except during maintenance). Null when the password is proven.
    /// Shared by sign-in and the change page so both count failures against the same lock.
    /// </summary>
    private async Task<SignInResult?> GateAsync(
        Attempt attempt, Guid accountId, string deviceKey, LockoutRules rules, PasswordCheck check, string where, CancellationToken cancellationToken)
    {
        var whose = attempt.Device is null ? "untrusted browsers" : "this trusted device";
        var counter = await lockouts.GetAsync(accountId, deviceKey, cancellationToken);
        if (counter?.LockedUntil is { } until && until > attempt.At)
        {
            // No counting while locked: the lock already holds, and counting would only extend the attacker's
            // reach. The sentinel write keeps a locked account as slow as an unlocked one.
            await CountOnSentinelAsync(attempt, cancellationToken);
            attempt.LockedUntil = until;
            return await FinishAsync(attempt, ReasonCodes.AccountLocked,
                detail: $"Locked until {until:O} ({whose}){where}; password was {(check == PasswordCheck.Wrong ? "wrong" : "correct")}.",
                ct: cancellationToken);
        }

        if (check != PasswordCheck.Wrong)
        {
            return null;
        }

        if (attempt.Maintenance is { } planned)
        {
            await CountOnSentinelAsync(attempt, cancellationToken);
            return await FinishAsync(attempt, ReasonCodes.InvalidCredentials,
                detail: $"Wrong password{where}; not counted toward lockout during maintenance {planned.Id} ({planned.Scope}).", ct: cancellationToken);
        }

        var tally = await lockouts.RegisterFailureAsync(accountId, deviceKey, rules.Threshold, rules.Window, rules.Duration, attempt.At, cancellationToken);
        if (!tally.Counted && tally.LockedUntil is { } lockedMeanwhile)
        {
            attempt.LockedUntil = lockedMeanwhile;
            return await FinishAsync(attempt, ReasonCodes.AccountLocked,
                detail: $"Locked until {lockedMeanwhile:O} by a concurrent attempt{where}; wrong password not counted.", ct: cancellationToken);
        }

        var lockNote = tally.LockedUntil is { } lockedNow ? $"; this failure locked {whose} until {lockedNow:O}" : "";
        attempt.LockedUntil = tally.LockedUntil;
        return await FinishAsync(attempt, ReasonCodes.InvalidCredentials,
            detail: $"Wrong password{where} ({tally.FailureCount}/{rules.Threshold} within {rules.Window.TotalMinutes:0} min{lockNote}).",
            ct: cancellationToken);
    }

    /// <summary>A counted failure on a row no account owns and no threshold locks, to even out response times.</summary>
    private Task CountOnSentinelAsync(Attempt attempt, CancellationToken cancellationToken) =>
        lockouts.RegisterFailureAsync(Guid.Empty, LockoutCounter.UntrustedKey, int.MaxValue,
            LockoutRules.Default.Window, LockoutRules.Default.Duration, attempt.At, cancellationToken);

    private static List<string> ValidateInput(PasswordSignInRequest request)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(request.Identifier))
        {
            problems.Add("Enter your provider ID, email or NPI.");
        }
        else if (request.Identifier.Length > MaxIdentifierLength)
        {
            problems.Add($"The identifier is longer than {MaxIdentifierLength} characters.");
        }
        else if (request.Identifier.Any(char.IsControl))
        {
            problems.Add("The identifier contains control characters.");
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            problems.Add("Enter your password.");
        }
        else if (request.Password.Length > PasswordHashing.MaxPasswordLength)
        {
            // Refused before hashing: PBKDF2 cost grows with the input, and no real password is this long.
            problems.Add($"The password is longer than {PasswordHashing.MaxPasswordLength} characters.");
        }

        return problems;
    }

    internal async Task<SignInResult> FinishAsync(
        Attempt attempt,
        string code,
        string? detail = null,
        IReadOnlyList<string>? problems = null,
        IssuedSession? session = null,
        (string, string)? newDeviceCookie = null,
        CancellationToken ct = default)
    {
        var reason = ReasonCatalogue.Get(code);
        var mayKnow = reason.Visibility switch
        {
            ReasonVisibility.Anyone => true,
            ReasonVisibility.PasswordProven => attempt.PasswordProven,
            ReasonVisibility.TrustedDevice => attempt.Device is not null,
            _ => false,
        };

        // A trusted device whose own lock just engaged learns it; everyone else sees the public face.
        var shown = mayKnow ? reason : ReasonCatalogue.Get(reason.PublicCode);
        if (code == ReasonCodes.InvalidCredentials && attempt.Device is not null && attempt.LockedUntil is not null)
        {
            shown = ReasonCatalogue.Get(ReasonCodes.AccountLocked);
        }

        var result = new SignInResult
        {
            Reason = reason,
            Shown = shown,
            TraceId = attempt.Request.TraceId,
            OccurredAt = attempt.At,
            Account = attempt.Account,
            Organizations = attempt.Allowed.Count > 0 ? attempt.Allowed : attempt.Organization is { } o ? [o] : [],
            Session = session,
            NewDeviceCookie = newDeviceCookie,
            LockedUntil = shown.Code == ReasonCodes.AccountLocked ? attempt.LockedUntil : null,
            PasswordChangeAccountId = attempt.PasswordChange ? attempt.Account?.Id : null,
            Problems = problems ?? [],
            Maintenance = attempt.Maintenance,
        };

        await recorder.RecordAsync(attempt.Request, result, attempt.IdentifierKind, attempt.NetworkLabel,
            attempt.DevicePresented, attempt.Device is not null, detail, ct);
        return result;
    }

    /// <summary>What one attempt has learnt so far.</summary>
    internal sealed class Attempt(PasswordSignInRequest request, DateTimeOffset at)
    {
        public PasswordSignInRequest Request { get; } = request;
        public DateTimeOffset At { get; } = at;
        public BrowserInfo Browser { get; } = UserAgentParser.Parse(request.Client.UserAgent);
        public string? IdentifierKind { get; set; }
        public Organization? Organization { get; set; }
        public Account? Account { get; set; }
        public TrustedDevice? Device { get; set; }
        public bool DevicePresented { get; set; }
        public bool PasswordProven { get; set; }
        public bool PasswordChange { get; set; }
        public DateTimeOffset? LockedUntil { get; set; }
        public string? NetworkLabel { get; set; }
        public List<Organization> Allowed { get; set; } = [];
        public MaintenanceWindow? Maintenance { get; set; }
    }
}
