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
public sealed class SupportAccountActions(ILockoutStore lockouts, RecoveryService recovery, AuditTrail audit, AuditActors actors, IOptions<SignpostOptions> options, TimeProvider time)
{
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
