using Signpost.Core.Accounts;
using Signpost.Core.Browsers;
using Signpost.Core.Devices;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Signpost.Core.Passwords;
using Signpost.Core.Reasons;
using Signpost.Core.Scheduling;
using Signpost.Core.Sessions;
using Signpost.Core.Telemetry;

namespace Signpost.Core.SignIn;

/// <summary>
/// The password sign-in pipeline. Every attempt ends in exactly one reason code and one event,
/// written before the caller answers. The practices' rules and the account's state are the
/// <see cref="SignInGate"/>'s, shared with every other way in; what is left here is the password's own
/// part. The order of the checks is the security design:
/// <list type="number">
/// <item>Input that cannot be an attempt (empty, too long, control characters) stops first, before any hashing.</item>
/// <item>Facts that are public once the organization is named in the URL (its network allow-list) come next.</item>
/// <item>The password is always hashed, against a dummy when there is no account, so timing does not reveal who exists.</item>
/// <item>Locks come before the password result: while locked, the correct password looks like a wrong one (docs/design.md §3),
/// and only the first few attempts of a lock are compared at all (<see cref="LockedPasswordChecks"/>).</item>
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
    SignInGate gate,
    IRateCounterStore lockedChecks,
    TimeProvider time,
    SignpostMetrics? metrics = null)
{
    public const int MaxIdentifierLength = AccountRules.MaxIdentifierLength;

    public async Task<SignInResult> SignInAsync(PasswordSignInRequest request, CancellationToken cancellationToken)
    {
        // Tagged with the outcome when the event is recorded (SignInEventRecorder); its trace is the request's.
        using var span = SignpostTelemetry.Source.StartActivity("signpost.sign_in");
        var attempt = new Attempt(request, time.GetUtcNow());

        // The gate's first stage: planned downtime is public, answers whatever was typed and costs no hash.
        var entry = attempt.Entry;
        if (await gate.OpenAsync(entry, cancellationToken) is { } closed)
        {
            return await RefuseAsync(attempt, closed, cancellationToken);
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
            // The organization is public in the URL, so its network and browser rules may be told before the password.
            attempt.Organization = entry.Named = await organizations.FindBySlugAsync(slug, cancellationToken);
            if (await gate.CheckNamedPracticeAsync(entry, cancellationToken) is { } outside)
            {
                // For the event only (docs/troubleshooter.md): the account the identifier names, looked up the same
                // way for known and unknown identifiers; the refusal itself is told before any account is known.
                attempt.Account = await RefusedAttempts.AccountForRecordAsync(accounts, identifier, cancellationToken);
                return await RefuseAsync(attempt, outside, cancellationToken);
            }

            attempt.NetworkLabel = entry.NetworkLabel;
        }

        var account = await accounts.FindByIdentifierAsync(kind, identifier, cancellationToken);
        attempt.Account = account;

        if (account is null)
        {
            // Always exactly one hash: against the dummy when there is no account.
            _ = hashing.Verify(null, request.Password!);
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
        // nothing (docs/design.md §7), since people retrying during planned work are not attackers.
        attempt.Maintenance = entry.Windows.FirstOrDefault(w => memberships.Any(m => w.Concerns(m.OrganizationId)));

        if (await GateAsync(attempt, account.Id, deviceKey, rules, account.PasswordHash, request.Password!, "", cancellationToken) is { } refused)
        {
            return refused;
        }

        attempt.PasswordProven = true;
        if (attempt.Check == PasswordCheck.CorrectNeedsRehash)
        {
            await accounts.UpdatePasswordHashAsync(account.Id, hashing.Hash(request.Password!), cancellationToken);
        }

        var denial = await CheckProvenAccountAsync(attempt, account, cancellationToken);
        if (denial is not null)
        {
            return denial;
        }

        await lockouts.ResetAsync(account.Id, deviceKey, cancellationToken);
        var reason = gate.IsSupported(attempt.Browser) ? ReasonCodes.SignedIn : ReasonCodes.SignedInBrowserWarning;
        return await StartSessionAsync(attempt, reason, cancellationToken);
    }

    /// <summary>
    /// Starts a session for an account whose password was just proven (here, or by the change-password
    /// page) and records the success.
    /// </summary>
    internal async Task<SignInResult> StartSessionAsync(Attempt attempt, string reason, CancellationToken cancellationToken, string? note = null)
    {
        var account = attempt.Account!;
        var issued = await sessions.StartAsync(account.Id, attempt.Allowed, attempt.Request.Client.Ip?.ToString(),
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

    /// <summary>
    /// The gate's second stage for a proven password (account state, memberships, each practice's network,
    /// browser and "SSO required" rules), then what only a password has: a change that is due.
    /// </summary>
    private async Task<SignInResult?> CheckProvenAccountAsync(Attempt attempt, Account account, CancellationToken cancellationToken)
    {
        var entry = attempt.Entry;
        entry.Named = attempt.Organization;
        entry.Account = account;
        var refusal = await gate.AdmitAsync(entry, cancellationToken);
        attempt.Allowed = entry.Admitted;
        attempt.NetworkLabel = entry.NetworkLabel;
        if (refusal is not null)
        {
            return await RefuseAsync(attempt, refusal, cancellationToken);
        }

        var reachable = entry.Admitted;
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

    private Task<SignInResult> RefuseAsync(Attempt attempt, GateRefusal refusal, CancellationToken cancellationToken)
    {
        attempt.NetworkLabel = attempt.Entry.NetworkLabel;
        attempt.Maintenance = attempt.Entry.Maintenance ?? attempt.Maintenance;
        return FinishAsync(attempt, refusal.ReasonCode, detail: refusal.Detail, ct: cancellationToken);
    }

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
}
