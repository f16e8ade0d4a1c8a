using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Sessions;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Support;

/// <summary>What a hold or release did.</summary>
public enum HoldOutcome
{
    Done,
    AlreadyInThatState,
    UnknownAccount,
    InvalidReason,
}

/// <summary>The result of <see cref="AccountHolds"/>: the outcome, the account, sessions ended, and the problem when refused.</summary>
public sealed record HoldResult(HoldOutcome Outcome, Account? Account, int SessionsEnded, string? Problem);

/// <summary>
/// Holds for review (<see cref="AccountHold"/>), the same from the support console, the API and the command
/// line: payer support or a platform admin holds an account with a reason (its sessions end at once, every
/// sign-in is then refused with <c>account_flagged</c>) and releases it with a reason. Both are audited, with
/// the reason in the entry, where the troubleshooter reads who held the account and why. Who may call this is
/// decided by the caller's authorization (the support policy); practice administrators never reach it.
/// </summary>
public sealed class AccountHolds(IAccountStore accounts, IAccountHoldStore holds, SessionManager sessions, AuditTrail audit, AuditActors actors)
{
    public Task<HoldResult> HoldAsync(Guid accountId, string? reason, CancellationToken cancellationToken) =>
        SetAsync(accountId, held: true, reason, cancellationToken);

    public Task<HoldResult> ReleaseAsync(Guid accountId, string? reason, CancellationToken cancellationToken) =>
        SetAsync(accountId, held: false, reason, cancellationToken);

    private async Task<HoldResult> SetAsync(Guid accountId, bool held, string? reason, CancellationToken cancellationToken)
    {
        if (AccountHold.Problem(reason) is { } problem)
        {
            return new HoldResult(HoldOutcome.InvalidReason, null, 0, problem);
        }

        var account = await accounts.FindByIdAsync(accountId, cancellationToken);
        if (account is null)
        {
            return new HoldResult(HoldOutcome.UnknownAccount, null, 0, "No account has this ID.");
        }

        if (account.Flagged == held)
        {
            return Already(account, held);
        }

        var why = reason!.Trim();
        var ended = 0;
        // The change, the sessions it ends and its audit entry commit together (IAccountHoldStore).
        var changed = await holds.TrySetHeldAsync(accountId, held, async ct =>
        {
            // A hold ends every session at once: whatever prompted it should not keep a session open.
            ended = held ? await sessions.EndAllAsync(account.Id, null, "account held for review", ct) : 0;
            await audit.RecordAsync(actors.Current, new AuditRecord(
                held ? AccountHold.HoldAction : AccountHold.ReleaseAction, "account", account.Id.ToString(),
                account.Memberships.Count == 1 ? account.Memberships[0].OrganizationId : null,
                new { Flagged = !held, account.Version }, new { Flagged = held, Reason = why, SessionsEnded = ended, Version = account.Version + 1 }), ct);
        }, cancellationToken);
        if (!changed)
        {
            return Already(account, held);
        }

        account.Flagged = held;
        account.Version++;
        return new HoldResult(HoldOutcome.Done, account, ended, null);
    }

    private static HoldResult Already(Account account, bool held) =>
        new(HoldOutcome.AlreadyInThatState, account, 0, held ? $"{account.Username} is already held for review." : $"{account.Username} is not held.");
}
