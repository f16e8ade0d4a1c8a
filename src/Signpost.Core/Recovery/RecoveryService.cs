using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Browsers;
using Signpost.Core.Email;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Passwords;
using Signpost.Core.Reasons;
using Signpost.Core.Sessions;
using Signpost.Core.SignIn;
using Signpost.Core.Tokens;

namespace Signpost.Core.Recovery;

/// <summary>The outcome of a recovery step, as the person at the keyboard may see it.</summary>
public sealed record RecoveryResult(Reason Reason, string TraceId, DateTimeOffset OccurredAt)
{
    public Account? Account { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = [];
    /// <summary>Something the person should know although the step went through (the breach check could not run).</summary>
    public string? Note { get; init; }
    public bool Succeeded => Reason.IsSuccess;
}

/// <summary>
/// Forgot password and self-service unlock (docs/design.md §7: both keep working while the account is locked).
/// <para>
/// A request answers the same whether or not an account matches: the same reason, and — in the web
/// layer — the same minimum response time. What differs (an email sent, none, the per-account limit) is
/// in the event for support only. Two things fail visibly and the same for everyone: too many requests
/// from one address, and recovery email that is not leaving (checked before the account is looked up, so
/// the failure says nothing about the account). The email itself goes into the outbox, never straight to
/// the mail server, so the answer never waits on SMTP (docs/recovery.md, "The outbox").
/// </para>
/// <para>
/// Using a link: one conditional update decides between concurrent uses; a reset then ends every
/// session, clears every lock and sends a confirmation, with no automatic sign-in.
/// </para>
/// </summary>
public sealed class RecoveryService(
    LinkTokens links,
    IAccountStore accounts,
    ILockoutStore lockouts,
    SessionManager sessions,
    IPasswordHistoryStore history,
    PasswordHashing hashing,
    PasswordPolicy policy,
    IEmailSender email,
    IEmailOutbox outbox,
    ISignInEventStore events,
    SignInEventRecorder recorder,
    AuditTrail audit,
    IOptionsMonitor<RecoveryOptions> options,
    TimeProvider time,
    Mfa.SecondFactorCheck? secondFactor = null)
{
    private static readonly SignInMethod[] RecoveryMethods = [SignInMethod.PasswordReset, SignInMethod.Unlock];

    /// <summary>The reasons a request for a link is recorded with (answered, or refused by a limit): what the per-address limit counts.</summary>
    private static readonly string[] RequestReasons = [ReasonCodes.ResetRequested, ReasonCodes.UnlockRequested, ReasonCodes.RateLimited];

    /// <summary>How long the outbox keeps trying a reset confirmation (it carries no link that could expire).</summary>
    private static readonly TimeSpan ConfirmationKeptFor = TimeSpan.FromDays(1);

    /// <summary>Forgot password or unlock: emails a link when an account matches; answers the same either way.</summary>
    public async Task<RecoveryResult> RequestAsync(RecoveryKind kind, string? identifier, string traceId, ClientFacts client, string publicBaseUrl, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var method = kind == RecoveryKind.PasswordReset ? SignInMethod.PasswordReset : SignInMethod.Unlock;
        var answer = ReasonCatalogue.Get(kind == RecoveryKind.PasswordReset ? ReasonCodes.ResetRequested : ReasonCodes.UnlockRequested);
        var step = new SignInStep(method, traceId, now, answer) { Identifier = identifier };

        var problem = ValidateIdentifier(identifier);
        if (problem is not null)
        {
            return await FinishAsync(step with { Reason = ReasonCatalogue.Get(ReasonCodes.InvalidRequest), Detail = problem }, client, [problem], cancellationToken);
        }

        var typed = identifier!.Trim();
        var identifierKind = Identifiers.Classify(typed);
        step = step with { Identifier = typed, IdentifierKind = identifierKind.ToString().ToLowerInvariant() };

        if (client.Ip is { } ip)
        {
            // Requests only: opening a link, a refused new password and a completed reset are the same person
            // finishing what one request started, and three resets behind one clinic's address must not exhaust it.
            var recent = await events.CountFromAddressAsync(ip.ToString(), RecoveryMethods, RequestReasons, now - settings.Window, cancellationToken);
            if (recent >= settings.PerAddressLimit)
            {
                return await FinishAsync(step with
                {
                    Reason = ReasonCatalogue.Get(ReasonCodes.RateLimited),
                    Detail = $"{recent} recovery requests from {ip} in the last {settings.WindowMinutes} minutes (limit {settings.PerAddressLimit}); no account looked up.",
                }, client, [], cancellationToken);
            }
        }

        if (!await outbox.IsDeliveringAsync(cancellationToken))
        {
            return await FinishAsync(step with
            {
                Reason = ReasonCatalogue.Get(ReasonCodes.ServiceDegraded),
                Detail = "Recovery email is not leaving (the mail server did not answer the last attempt, or the outbox is stalled); no account looked up, no link issued.",
            }, client, [], cancellationToken);
        }

        var account = await accounts.FindByIdentifierAsync(identifierKind, typed, cancellationToken);
        step = step with { Account = account };
        if (account is null)
        {
            return await FinishAsync(step with { Detail = $"No account has this {step.IdentifierKind}; no email sent." }, client, [], cancellationToken);
        }

        // A hold for review does not stop a reset: the person may secure their password while support verifies
        // them; the hold still refuses every sign-in until it is released (docs/support-console.md).
        if (account.Status == AccountStatus.Disabled)
        {
            return await FinishAsync(step with { Detail = "The account is disabled (a practice administrator re-enables it); no email sent." }, client, [], cancellationToken);
        }

        var (purpose, lockedBy) = await PurposeAsync(kind, account, now, cancellationToken);
        var issued = await links.CountIssuedSinceAsync(account.Id, purpose, now - settings.Window, cancellationToken);
        if (issued >= settings.PerAccountLimit)
        {
            // Said only to support: telling the requester would tell them the account exists.
            return await FinishAsync(step with
            {
                Reason = ReasonCatalogue.Get(ReasonCodes.RateLimited),
                Shown = answer,
                Detail = $"{issued} {Describe(purpose)} links already sent in the last {settings.WindowMinutes} minutes (limit {settings.PerAccountLimit}); no email sent.",
            }, client, [], cancellationToken);
        }

        var (raw, token) = await links.IssueAsync(account, purpose, LifetimeOf(purpose, settings), cancellationToken);
        var message = Compose(purpose, account, raw, token, publicBaseUrl, lockedBy, becauseNotLocked: kind == RecoveryKind.Unlock, now);

        try
        {
            await outbox.EnqueueAsync(message, new OutboxEntry(traceId, token.ExpiresAt, token.Id), cancellationToken);
        }
        catch (EmailDeliveryException ex)
        {
            await links.WithdrawAsync(token, cancellationToken);
            return await FinishAsync(step with
            {
                Reason = ReasonCatalogue.Get(ReasonCodes.ServiceDegraded),
                Detail = $"The {Describe(purpose)} email could not be queued ({ex.Message}); the link was withdrawn.",
            }, client, [], cancellationToken);
        }

        var why = kind != RecoveryKind.Unlock || purpose != ActionTokenPurpose.PasswordReset ? ""
            : lockedBy?.LockedUntil is { } ended ? $" (the account is no longer locked: its lock ended at {ended:O}; the email says to sign in again, the reset second)"
            : " (the account is not locked)";
        return await FinishAsync(step with { Detail = $"Queued a {Describe(purpose)} link{why} for email, valid until {token.ExpiresAt:u}." }, client, [], cancellationToken);
    }

    /// <summary>
    /// A link sent on someone's behalf (an operator's <c>signpost users send-reset</c>, an invitation):
    /// issued, emailed, withdrawn again when the email does not leave, and recorded as an event. Sent
    /// directly, not through the outbox: the caller is staff who already named the account, and is told at
    /// once whether the email left.
    /// </summary>
    /// <returns>The expiry of the link that was sent.</returns>
    /// <exception cref="EmailDeliveryException">The email was not accepted; no link is left behind.</exception>
    public async Task<DateTimeOffset> SendLinkAsync(Account account, ActionTokenPurpose purpose, string requestedBy, string traceId, string publicBaseUrl, CancellationToken cancellationToken)
    {
        if (purpose == ActionTokenPurpose.Unlock)
        {
            throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "Unlock links go only to a locked account's own request.");
        }

        var (raw, token) = await links.IssueAsync(account, purpose, LifetimeOf(purpose, options.CurrentValue), cancellationToken);
        var message = Compose(purpose, account, raw, token, publicBaseUrl, lockedBy: null, becauseNotLocked: false, time.GetUtcNow());
        var step = new SignInStep(MethodOf(purpose), traceId, time.GetUtcNow(), ReasonCatalogue.Get(ReasonCodes.ResetRequested))
        {
            Account = account,
            IdentifierKind = "operator",
        };
        try
        {
            await email.SendAsync(message, cancellationToken);
        }
        catch (EmailDeliveryException ex)
        {
            await links.WithdrawAsync(token, cancellationToken);
            await FinishAsync(step with { Reason = ReasonCatalogue.Get(ReasonCodes.ServiceDegraded), Detail = $"{requestedBy}: the {Describe(purpose)} email was not accepted ({ex.Message}); the link was withdrawn." },
                new ClientFacts(), [], cancellationToken);
            throw;
        }

        await FinishAsync(step with { Detail = $"{requestedBy} sent a {Describe(purpose)} link, valid until {token.ExpiresAt:u}." }, new ClientFacts(), [], cancellationToken);
        return token.ExpiresAt;
    }

    /// <summary>Opening a link: says at once whether it is usable. Records a failure; a good link is recorded when it is used.</summary>
    public async Task<(RecoveryResult Result, LinkCheck Check)> OpenAsync(ActionTokenPurpose purpose, string? raw, Guid? signedInAccountId, string traceId, ClientFacts client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var check = await links.CheckAsync(raw, purpose, cancellationToken);
        var step = new SignInStep(MethodOf(purpose), traceId, now, ReasonCatalogue.Get(ReasonCodes.ResetRequested))
        {
            Account = check.Account,
            IdentifierKind = "link",
        };
        if (Refusal(check, signedInAccountId) is { } refusal)
        {
            var result = await FinishAsync(step with { Reason = refusal.Reason, Detail = $"Opened: {refusal.Detail}" }, client, [], cancellationToken);
            return (result, check);
        }

        return (new RecoveryResult(SuccessOf(purpose), traceId, now) { Account = check.Account }, check);
    }

    /// <summary>Sets a new password through a reset link.</summary>
    public async Task<RecoveryResult> ResetAsync(string? raw, string? newPassword, Guid? signedInAccountId, string traceId, ClientFacts client, string publicBaseUrl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var check = await links.CheckAsync(raw, ActionTokenPurpose.PasswordReset, cancellationToken);
        var step = new SignInStep(SignInMethod.PasswordReset, traceId, now, ReasonCatalogue.Get(ReasonCodes.PasswordReset))
        {
            Account = check.Account,
            IdentifierKind = "link",
        };
        if (Refusal(check, signedInAccountId) is { } refusal)
        {
            return await FinishAsync(step with { Reason = refusal.Reason, Detail = refusal.Detail }, client, [], cancellationToken);
        }

        var account = check.Account!;
        var organizations = account.Memberships.Where(m => m.Organization is not null).Select(m => m.Organization!).ToList();
        var depth = PasswordHistoryRule.Depth(organizations);
        var context = new PasswordContext(account, organizations.Select(o => o.Name).ToList())
        {
            MfaEnrolled = secondFactor is not null && await secondFactor.BacksPasswordAsync(account, cancellationToken),
            RecentHashes = await history.ForbiddenHashesAsync(account, depth, cancellationToken),
        };
        var verdict = await policy.CheckAsync(newPassword, context, cancellationToken);
        if (!verdict.Accepted)
        {
            return await FinishAsync(step with
            {
                Reason = ReasonCatalogue.Get(ReasonCodes.PasswordNotAccepted),
                Detail = "Rules failed: " + string.Join(", ", verdict.Failures.Select(f => f.Rule)) + ".",
            }, client, verdict.Messages, cancellationToken);
        }

        if (!await links.TryUseAsync(check.Token!, cancellationToken))
        {
            return await FinishAsync(step with { Reason = ReasonCatalogue.Get(ReasonCodes.ResetLinkUsed), Detail = "Another request used this link first." }, client, [], cancellationToken);
        }

        await history.RememberReplacedAsync(account, depth, now, cancellationToken);
        await accounts.SetPasswordAsync(account.Id, hashing.Hash(newPassword!), now, cancellationToken);
        var ended = await sessions.EndAllAsync(account.Id, null, "password reset", cancellationToken);
        var unlocked = await lockouts.UnlockAllAsync(account.Id, now, cancellationToken);
        var detail = $"Password set; {ended} session(s) ended, {unlocked} lock(s) cleared";
        var browser = UserAgentParser.Parse(client.UserAgent);
        try
        {
            await outbox.EnqueueAsync(RecoveryEmails.PasswordChanged(account, now, client.Ip?.ToString(), browser.Family is null ? null : $"{browser.Family} {browser.Version}".Trim(),
                publicBaseUrl.TrimEnd('/') + "/sign-in"), new OutboxEntry(traceId, now + ConfirmationKeptFor), cancellationToken);
            detail += "; confirmation queued for email.";
        }
        catch (EmailDeliveryException ex)
        {
            // The reset itself is done and stays done; the person sees the result on the page.
            detail += $"; the confirmation email could not be queued ({ex.Message}).";
        }

        if (verdict.Note is { } note)
        {
            detail += " " + note;
        }

        await audit.RecordAsync(AuditActor.Self(account.Id, account.Username, client.Ip?.ToString(), traceId), new AuditRecord(
            "account.password_reset", "account", account.Id.ToString(), null, new { LocksCleared = unlocked, SessionsEnded = ended }, new { PasswordChangedAt = now }), cancellationToken);
        var done = await FinishAsync(step with { Detail = detail }, client, [], cancellationToken);
        return done with { Note = verdict.Note };
    }

    /// <summary>Clears every lock of the account through an unlock link.</summary>
    public async Task<RecoveryResult> UnlockAsync(string? raw, Guid? signedInAccountId, string traceId, ClientFacts client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var check = await links.CheckAsync(raw, ActionTokenPurpose.Unlock, cancellationToken);
        var step = new SignInStep(SignInMethod.Unlock, traceId, now, ReasonCatalogue.Get(ReasonCodes.AccountUnlocked))
        {
            Account = check.Account,
            IdentifierKind = "link",
        };
        if (Refusal(check, signedInAccountId) is { } refusal)
        {
            return await FinishAsync(step with { Reason = refusal.Reason, Detail = refusal.Detail }, client, [], cancellationToken);
        }

        if (!await links.TryUseAsync(check.Token!, cancellationToken))
        {
            return await FinishAsync(step with { Reason = ReasonCatalogue.Get(ReasonCodes.ResetLinkUsed), Detail = "Another request used this link first." }, client, [], cancellationToken);
        }

        var unlocked = await lockouts.UnlockAllAsync(check.Account!.Id, now, cancellationToken);
        await audit.RecordAsync(AuditActor.Self(check.Account.Id, check.Account.Username, client.Ip?.ToString(), traceId), new AuditRecord(
            "account.unlock", "account", check.Account.Id.ToString(), null, new { LockedKeys = unlocked }, new { LockedKeys = 0 }), cancellationToken);
        return await FinishAsync(step with { Detail = $"{unlocked} lock(s) cleared." }, client, [], cancellationToken);
    }

    private async Task<(ActionTokenPurpose Purpose, LockoutCounter? LockedBy)> PurposeAsync(RecoveryKind kind, Account account, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A pending account has no password to reset or unlock: it gets a fresh activation link instead.
        if (account.Status == AccountStatus.PendingActivation)
        {
            return (ActionTokenPurpose.Activation, null);
        }

        if (kind == RecoveryKind.PasswordReset)
        {
            return (ActionTokenPurpose.PasswordReset, null);
        }

        // Every lock of the account counts: the one all unknown browsers share and each trusted browser's own.
        // A lock that ended a short while ago is named too, so that the email can say "no longer locked —
        // sign in again" instead of "not locked", which would contradict the page the person just read.
        var counters = await lockouts.ListForAccountAsync(account.Id, cancellationToken);
        var holding = counters.Where(c => c.LockedUntil > now).MaxBy(c => c.LockedUntil);
        if (holding is not null)
        {
            return (ActionTokenPurpose.Unlock, holding);
        }

        var recently = now - options.CurrentValue.LockEndedRecently;
        var ended = counters.Where(c => c.LockedUntil is { } until && until <= now && until >= recently).MaxBy(c => c.LockedUntil);
        return (ActionTokenPurpose.PasswordReset, ended);
    }

    private static (Reason Reason, string Detail)? Refusal(LinkCheck check, Guid? signedInAccountId)
    {
        if (check.Reason is { } reason)
        {
            return (reason, check.Token is null ? "The link matches no issued link of this kind." : $"{reason.Title} (issued {check.Token.CreatedAt:u}, expires {check.Token.ExpiresAt:u}).");
        }

        if (signedInAccountId is { } signedIn && signedIn != check.Account!.Id)
        {
            return (ReasonCatalogue.Get(ReasonCodes.ResetLinkOtherAccount), $"The browser is signed in as account {signedIn}; the link belongs to another. Nothing changed.");
        }

        return check.Account!.Status == AccountStatus.Disabled
            ? (ReasonCatalogue.Get(ReasonCodes.AccountDisabled), "The account was disabled after the link was sent.")
            : null;
    }

    private async Task<RecoveryResult> FinishAsync(SignInStep step, ClientFacts client, IReadOnlyList<string> problems, CancellationToken cancellationToken)
    {
        await recorder.RecordStepAsync(step, client, cancellationToken);
        return new RecoveryResult(step.Shown ?? step.Reason, step.TraceId, step.At) { Account = step.Shown is null ? step.Account : null, Problems = problems };
    }

    private static string? ValidateIdentifier(string? identifier)
    {
        if (string.IsNullOrWhiteSpace(identifier))
        {
            return "Enter your provider ID, email or NPI.";
        }

        if (identifier.Length > SignInEvent.MaxIdentifierLength)
        {
            return $"The identifier is longer than {SignInEvent.MaxIdentifierLength} characters.";
        }

        return identifier.Any(char.IsControl) ? "The identifier contains characters that cannot be typed." : null;
    }

    private static TimeSpan LifetimeOf(ActionTokenPurpose purpose, RecoveryOptions settings) =>
        purpose == ActionTokenPurpose.Activation ? settings.ActivationLifetime : settings.LinkLifetime;

    /// <summary>
    /// The email that carries a link of this purpose. The unlock email needs the lock it lifts; a reset link
    /// with <paramref name="lockedBy"/> answers an unlock request after that lock ended.
    /// </summary>
    private static EmailMessage Compose(ActionTokenPurpose purpose, Account account, string raw, ActionToken token, string publicBaseUrl, LockoutCounter? lockedBy, bool becauseNotLocked, DateTimeOffset now) => purpose switch
    {
        ActionTokenPurpose.Activation => RecoveryEmails.Activation(account, RecoveryEmails.ActivationLink(publicBaseUrl, raw), token.ExpiresAt),
        ActionTokenPurpose.Unlock => RecoveryEmails.Unlock(account, RecoveryEmails.UnlockLink(publicBaseUrl, raw), lockedBy!, now, LockNotice.ZoneFor(account), token.ExpiresAt),
        _ when becauseNotLocked && lockedBy is not null => RecoveryEmails.LockEnded(account, RecoveryEmails.SignInLink(publicBaseUrl), RecoveryEmails.ResetLink(publicBaseUrl, raw), token.ExpiresAt),
        _ => RecoveryEmails.Reset(account, RecoveryEmails.ResetLink(publicBaseUrl, raw), token.ExpiresAt, becauseNotLocked),
    };

    private static SignInMethod MethodOf(ActionTokenPurpose purpose) => purpose switch
    {
        ActionTokenPurpose.Unlock => SignInMethod.Unlock,
        ActionTokenPurpose.Activation => SignInMethod.Activation,
        _ => SignInMethod.PasswordReset,
    };

    private static Reason SuccessOf(ActionTokenPurpose purpose) => ReasonCatalogue.Get(purpose switch
    {
        ActionTokenPurpose.Unlock => ReasonCodes.AccountUnlocked,
        ActionTokenPurpose.Activation => ReasonCodes.AccountActivated,
        _ => ReasonCodes.PasswordReset,
    });

    private static string Describe(ActionTokenPurpose purpose) => purpose switch
    {
        ActionTokenPurpose.Unlock => "unlock",
        ActionTokenPurpose.Activation => "activation",
        _ => "password reset",
    };
}
