using Signpost.Core.Accounts;
using Signpost.Core.Devices;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Mfa;
using Signpost.Core.Organizations;
using Signpost.Core.Passwords;
using Signpost.Core.Reasons;
using Signpost.Core.Scheduling;
using Signpost.Core.Sessions;
using Signpost.Core.Telemetry;

namespace Signpost.Core.SignIn;

/// <summary>
/// The password sign-in pipeline. Every attempt ends in exactly one reason code and one event, written before
/// the caller answers. <see cref="SignInAsync"/> is a short sequence of phases, each of which refuses the attempt
/// (a <see cref="SignInRefusal"/>) or lets it go on; their order is the security design (docs/security.md,
/// "The order of a password sign-in"):
/// <list type="number">
/// <item><see cref="OpenAsync"/>: planned downtime is public, answers whatever was typed and costs no hash.</item>
/// <item><see cref="ReadInput"/>: input that cannot be an attempt (empty, too long, control characters) stops
/// before any hashing.</item>
/// <item><see cref="CheckNamedPracticeAsync"/>: facts that are public once the practice is named in the URL (its
/// network allow-list and browser block) are told before the password.</item>
/// <item><see cref="FindAccountAsync"/>: an identifier with no account is hashed against a dummy and counted on a
/// sentinel row, the same work as a wrong password, so timing does not reveal who exists. Before any hash, known
/// identifier or not, the attempt passes the <see cref="HashAdmission"/> gate (<see cref="AwaitHashSlotAsync"/>),
/// which may refuse an untrusted attempt with <c>rate_limited</c> when too many wait (docs/security.md, "Admission before the hash").</item>
/// <item><see cref="ProvePasswordAsync"/>: the lock before the password result. While locked, the correct password
/// looks like a wrong one (docs/design.md §3), and only the first few attempts of a lock are compared at all
/// (<see cref="LockedPasswordChecks"/>).</item>
/// <item><see cref="AdmitAsync"/>: account states (disabled, pending, flagged), memberships and each practice's
/// network and browser rules are told only after the password is proven, and "SSO required" last among them:
/// told earlier, it would confirm to anyone typing an identifier that the account exists and which practice it
/// belongs to. Before that point the practice's page (<c>/o/{slug}</c>, public anyway) already offers or
/// enforces its provider.</item>
/// <item><see cref="AskSecondFactorAsync"/>: the second factor, where the policy or the step-up rule asks for it
/// (docs/mfa.md); the attempt then waits for <see cref="CompleteSecondFactorAsync"/>.</item>
/// <item><see cref="CheckPasswordChangeDue"/>: what only a password has, a change that is due (required, or
/// expired).</item>
/// </list>
/// The practices' rules and the account's state are the <see cref="SignInGate"/>'s, shared with every other way
/// in; what is left here is the password's own part. The change page (<see cref="ChangePasswordAsync"/>) reuses
/// the lock, the gate and the change-due phases.
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
    SignpostMetrics? metrics = null,
    SecondFactorCheck? secondFactor = null,
    RememberedBrowsers? rememberedBrowsers = null,
    HashAdmission? admission = null,
    IWriteTransactions? writes = null)
{
    public const int MaxIdentifierLength = AccountRules.MaxIdentifierLength;

    public async Task<SignInResult> SignInAsync(PasswordSignInRequest request, CancellationToken cancellationToken)
    {
        // Tagged with the outcome when the event is recorded (SignInEventRecorder); its trace is the request's.
        using var span = SignpostTelemetry.Source.StartActivity("signpost.sign_in");
        await using var attempt = new Attempt(request, time.GetUtcNow());

        // The security order, top to bottom; the first refusal ends the attempt (see the class summary).
        var refusal = await OpenAsync(attempt, cancellationToken)
            ?? ReadInput(attempt)
            ?? await CheckNamedPracticeAsync(attempt, cancellationToken)
            ?? await FindAccountAsync(attempt, cancellationToken)
            ?? await ProvePasswordAsync(attempt, cancellationToken)
            ?? await AdmitAsync(attempt, cancellationToken)
            ?? await AskSecondFactorAsync(attempt, cancellationToken)
            ?? CheckPasswordChangeDue(attempt);
        if (refusal is not null)
        {
            return await RefuseAsync(attempt, refusal, cancellationToken);
        }

        await ClearCounterAsync(attempt, cancellationToken);
        var reason = gate.IsSupported(attempt.Entry.Browser) ? ReasonCodes.SignedIn : ReasonCodes.SignedInBrowserWarning;
        return await StartSessionAsync(attempt, reason, note: null, cancellationToken);
    }

    /// <summary>
    /// A proven password clears its key's failure counter, when the lock phase found failures on it. A failure
    /// another request counts after that stays counted: it was not this password.
    /// </summary>
    private async Task ClearCounterAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        if (attempt.CounterFound)
        {
            await lockouts.ResetAsync(attempt.Account!.Id, attempt.DeviceKey, cancellationToken);
        }
    }

    /// <summary>The gate's first stage (<see cref="SignInGate.OpenAsync"/>): planned downtime, before anything typed is read.</summary>
    private async Task<SignInRefusal?> OpenAsync(Attempt attempt, CancellationToken cancellationToken) =>
        SignInRefusal.From(await gate.OpenAsync(attempt.Entry, cancellationToken));

    /// <summary>Input that cannot be an attempt stops here, before any hashing; otherwise the identifier is read for its kind.</summary>
    private static SignInRefusal? ReadInput(Attempt attempt)
    {
        var problems = ValidateInput(attempt.Request);
        if (problems.Count > 0)
        {
            return SignInRefusal.InvalidRequest(problems);
        }

        attempt.Identifier = attempt.Request.Identifier!.Trim();
        attempt.Kind = Identifiers.Classify(attempt.Identifier);
        attempt.IdentifierKind = attempt.Kind.ToString().ToLowerInvariant();
        return null;
    }

    /// <summary>
    /// The organization is public in the URL, so its network and browser rules (<see cref="SignInGate.CheckNamedPracticeAsync"/>)
    /// may be told before the password. Nothing to do on the generic page.
    /// </summary>
    private async Task<SignInRefusal?> CheckNamedPracticeAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        if (attempt.Request.OrganizationSlug is not { } slug)
        {
            return null;
        }

        attempt.Entry.Named = await organizations.FindBySlugAsync(slug, cancellationToken);
        if (await gate.CheckNamedPracticeAsync(attempt.Entry, cancellationToken) is not { } outside)
        {
            return null;
        }

        // For the event only (docs/troubleshooter.md): the account the identifier names, looked up the same
        // way for known and unknown identifiers; the refusal itself is told before any account is known.
        attempt.Account = await RefusedAttempts.AccountForRecordAsync(accounts, attempt.Identifier, cancellationToken);
        return SignInRefusal.From(outside);
    }

    /// <summary>
    /// The account the identifier names, with the browser's trusted device for it and the planned work concerning
    /// its practices. No account is refused only after the work a wrong password costs.
    /// </summary>
    private async Task<SignInRefusal?> FindAccountAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        var account = await accounts.FindByIdentifierAsync(attempt.Kind, attempt.Identifier, cancellationToken);
        if (account is null)
        {
            // A read standing in for the known account's memberships, so that a refusal at the gate costs both the
            // same two reads; then the gate, as for a known identifier without a trusted device: the same queue, the
            // same refusal.
            await lockouts.GetAsync(Guid.Empty, LockoutCounter.UntrustedKey, cancellationToken);
            if (await AwaitHashSlotAsync(attempt, cancellationToken) is { } refused)
            {
                return refused;
            }

            // The same database work as a wrong password on a real account (a check reserved, hashed against the
            // dummy, counted), on a sentinel row that never locks: the response time must not tell who has an account.
            await CheckOnSentinelAsync(attempt, cancellationToken);
            return new(ReasonCodes.InvalidCredentials, $"No account has this {attempt.IdentifierKind}.");
        }

        await KnowAccountAsync(attempt, account, cancellationToken);

        // A window for one of the account's practices (its SSO, say) is in force: failures then count for
        // nothing (docs/design.md §7), since people retrying during planned work are not attackers.
        attempt.AccountWindow = attempt.Entry.Windows.FirstOrDefault(w => attempt.Memberships.Any(m => w.Concerns(m.OrganizationId)));

        // The gate, once the trusted-device cookie is known: it decides the queue.
        return await AwaitHashSlotAsync(attempt, cancellationToken);
    }

    /// <summary>
    /// The account an attempt is about, and whether the browser presented (and holds) its trusted-device cookie:
    /// the device decides the lock's key and what the refusal may tell.
    /// </summary>
    private async Task KnowAccountAsync(Attempt attempt, Account account, CancellationToken cancellationToken)
    {
        var cookies = attempt.Request.Client.DeviceCookies;
        var name = DeviceCookies.CookieName(account.Id);
        attempt.Account = account;
        attempt.Device = await deviceCookies.VerifyAsync(cookies.GetValueOrDefault(name), account.Id, cancellationToken);
        attempt.DevicePresented = cookies.ContainsKey(name);
    }

    /// <summary>
    /// The lock, then the password (<see cref="LockThenPasswordAsync"/>); a proven password stored at an older
    /// hashing cost is hashed again.
    /// </summary>
    private async Task<SignInRefusal?> ProvePasswordAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        if (await LockThenPasswordAsync(attempt, "", cancellationToken) is { } refused)
        {
            return refused;
        }

        if (attempt.Check == PasswordCheck.CorrectNeedsRehash)
        {
            var rehashed = await attempt.HashAsync(() => hashing.Hash(attempt.Request.Password!));
            await accounts.UpdatePasswordHashAsync(attempt.Account!.Id, rehashed, cancellationToken);
            attempt.HashDone();
        }

        return null;
    }

    /// <summary>
    /// The gate's second stage for a proven password (<see cref="SignInGate.AdmitAsync"/>): account state,
    /// memberships, each practice's network and browser rules, and "SSO required" last.
    /// </summary>
    private async Task<SignInRefusal?> AdmitAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        attempt.Entry.Account = attempt.Account;
        return SignInRefusal.From(await gate.AdmitAsync(attempt.Entry, cancellationToken));
    }

    /// <summary>What only a password has, once the gate admitted it: a change that is due.</summary>
    private static SignInRefusal? CheckPasswordChangeDue(Attempt attempt)
    {
        var account = attempt.Account!;
        if (account.MustChangePassword)
        {
            return new(ReasonCodes.PasswordResetRequired, "An administrator or a compromise check required a new password.") { PasswordChangeDue = true };
        }

        if (PasswordExpiry.ExpiredAt(account, attempt.Entry.Admitted, attempt.At) is { } expiredAt)
        {
            return new(ReasonCodes.PasswordExpired, $"Password expired at {expiredAt:O}.") { PasswordChangeDue = true };
        }

        return null;
    }

    /// <summary>
    /// Starts a session for an account whose password was just proven (here, or by the change-password
    /// page) and the gate admitted, and records the success: the session and the event in one write
    /// transaction (docs/capacity.md, "Sign-ins per core").
    /// </summary>
    private async Task<SignInResult> StartSessionAsync(Attempt attempt, string reason, string? note, CancellationToken cancellationToken)
    {
        var account = attempt.Account!;
        var admitted = attempt.Entry.Admitted;
        // Not stored yet: RecordAsync writes it with the success's event, one transaction for both.
        var issued = sessions.Issue(account.Id, admitted, attempt.Request.Client.Ip?.ToString(),
            SignInEventRecorder.Cut(attempt.Request.Client.UserAgent, SignInEvent.MaxUserAgentLength), attempt.Entry.Browser.ToString(),
            attempt.Request.TraceId);
        (string, string)? newCookie = null;
        if (attempt.Device is null)
        {
            var (value, device) = await deviceCookies.IssueAsync(account.Id, cancellationToken);
            newCookie = (DeviceCookies.CookieName(account.Id), value);
            attempt.IssuedDevice = device;
        }

        var result = ResultOf(attempt, reason, lockedUntil: null) with
        {
            Session = issued,
            NewDeviceCookie = newCookie,
            EnrolSecondFactorBy = attempt.EnrolSecondFactorBy,
        };
        var second = string.IsNullOrEmpty(attempt.SecondFactorNote) ? "" : " " + attempt.SecondFactorNote;
        return await RecordAsync(attempt, result,
            $"Session for {admitted.Count} practice(s); idle {issued.Session.IdleTimeout.TotalMinutes:0} min.{second}{(note is null ? "" : " " + note)}", cancellationToken);
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
