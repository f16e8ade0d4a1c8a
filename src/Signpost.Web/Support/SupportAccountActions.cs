using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Audit;
using Signpost.Core.Email;
using Signpost.Core.Lockout;
using Signpost.Core.Recovery;
using Signpost.Core.Tokens;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Support;

/// <summary>What an operator-sent link was and until when it works.</summary>
public sealed record SentLink(ActionTokenPurpose Purpose, DateTimeOffset ExpiresAt)
{
    public string Kind => Purpose == ActionTokenPurpose.Activation ? "activation" : "password reset";
}

/// <summary>
/// The help desk's and operators' acts on one account — unlock, email a reset or activation link — with
/// their audit entries, the same from the command line, the support console and the admin consoles.
/// </summary>
public sealed class SupportAccountActions(
    ILockoutStore lockouts, RecoveryService recovery, AuditTrail audit, AuditActors actors, IOptions<SignpostOptions> options, TimeProvider time,
    Core.Mfa.ISecondFactorStore secondFactors, Core.Sessions.SessionManager sessions, Core.Email.IEmailOutbox outbox)
{
    /// <summary>
    /// The help desk's assisted reset of a lost authenticator, after the same identity checks as the practice
    /// console (docs/mfa.md, "Lost authenticator"): every authenticator and recovery code removed, every session
    /// ended, enrolment asked at the next sign-in, audited with the checks, the person emailed. Null when done;
    /// otherwise why not (nothing changed).
    /// </summary>
    public async Task<string?> ResetSecondFactorAsync(Account account, IReadOnlyCollection<string> checks, string traceId, CancellationToken cancellationToken)
    {
        var missing = Admin.PracticeAdministration.IdentityChecks.Where(c => !checks.Contains(c.Value)).ToList();
        if (missing.Count > 0)
        {
            return $"Confirm every identity check before resetting: {string.Join(" ", missing.Select(m => m.Text))}";
        }

        var now = time.GetUtcNow();
        var removed = await secondFactors.ResetAllAsync(account.Id, now, cancellationToken);
        var ended = await sessions.EndAllAsync(account.Id, null, "second factor reset by the help desk", cancellationToken);
        await audit.RecordAsync(actors.Current, new AuditRecord("mfa.reset", "account", account.Id.ToString(), PrimaryOrganization(account), null,
            new { removedAuthenticators = removed, endedSessions = ended, identityChecks = Admin.PracticeAdministration.IdentityChecks.Select(c => c.Value).ToList() }), cancellationToken);
        try
        {
            await outbox.EnqueueAsync(Core.Mfa.SecondFactorEmails.Reset(account, "The help desk", now, options.Value.PublicBaseUrl.TrimEnd('/') + "/sign-in"),
                new Core.Email.OutboxEntry(traceId, now + TimeSpan.FromDays(2)), cancellationToken);
        }
        catch (Core.Email.EmailDeliveryException)
        {
            // The reset is done and stays done; the audit entry and the page say so, the email is what failed.
        }

        return null;
    }

    /// <summary>Clears every lock and failure count of the account; returns how many locks were in force.</summary>
    public async Task<int> UnlockAsync(Account account, CancellationToken cancellationToken)
    {
        var locked = await lockouts.UnlockAllAsync(account.Id, time.GetUtcNow(), cancellationToken);
        await audit.RecordAsync(actors.Current, new AuditRecord(
            "account.unlock", "account", account.Id.ToString(), PrimaryOrganization(account), new { LockedKeys = locked }, new { LockedKeys = 0 }), cancellationToken);
        return locked;
    }

    /// <summary>
    /// Emails a password reset link to the account's own address, or an activation link when it was never
    /// activated. A disabled account gets nothing (refused): enabling it is a decision for its practice. A mail server
    /// that refuses the message is refused too, and no link is left behind.
    /// </summary>
    /// <param name="account">The account.</param>
    /// <param name="requestedBy">Who the email says asked for it ("The help desk", "An operator (command line)").</param>
    /// <param name="traceId">The trace of the request that asked.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public async Task<AdminResult<SentLink>> SendLinkAsync(Account account, string requestedBy, string traceId, CancellationToken cancellationToken)
    {
        if (account.Status == AccountStatus.Disabled)
        {
            return AdminResult.Refused($"{account.Username} is disabled; enable it before sending a reset link.");
        }

        var purpose = account.Status == AccountStatus.PendingActivation ? ActionTokenPurpose.Activation : ActionTokenPurpose.PasswordReset;
        DateTimeOffset expires;
        try
        {
            expires = await recovery.SendLinkAsync(account, purpose, requestedBy, traceId, options.Value.PublicBaseUrl, cancellationToken);
        }
        catch (EmailDeliveryException ex)
        {
            return AdminResult.Refused($"The email was not sent, and no link is left behind: {ex.Message}");
        }

        await audit.RecordAsync(actors.Current, new AuditRecord(
            purpose == ActionTokenPurpose.Activation ? "account.send_activation" : "account.send_reset", "account", account.Id.ToString(), PrimaryOrganization(account),
            null, new { LinkExpiresAt = expires }), cancellationToken);
        return new SentLink(purpose, expires);
    }

    private static Guid? PrimaryOrganization(Account account) =>
        account.Memberships.Count == 1 ? account.Memberships[0].OrganizationId : null;
}
