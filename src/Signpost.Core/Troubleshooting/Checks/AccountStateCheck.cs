using Signpost.Core.Accounts;
using Signpost.Core.Lockout;
using Signpost.Core.Passwords;
using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting.Checks;

/// <summary>
/// Step 3: the account as it is now — locked (until when, and from which addresses and browsers the
/// failures came), disabled, pending, flagged, without an active membership, or with a password that
/// must be replaced or has expired.
/// </summary>
public sealed class AccountStateCheck : ITroubleshootingCheck
{
    public int Step => TroubleshootingSteps.CheckAccountState;

    public string Name => "account state";

    public ValueTask<CheckFinding> RunAsync(TroubleshootingContext context, CancellationToken cancellationToken)
    {
        if (context.Account is not { } account)
        {
            return ValueTask.FromResult(CheckFinding.Unknown(Name, "No account was resolved (the identifier matched none), so there is no account state to check."));
        }

        var candidates = new List<string>();
        var evidence = new List<string>();
        switch (account.Status)
        {
            case AccountStatus.Disabled:
                candidates.Add(ReasonCodes.AccountDisabled);
                evidence.Add($"{account.Username} is disabled.");
                break;
            case AccountStatus.PendingActivation:
                candidates.Add(ReasonCodes.AccountPendingActivation);
                evidence.Add($"{account.Username} has not been activated (created {Evidence.Utc(account.CreatedAt)}).");
                break;
        }

        if (account.Flagged)
        {
            candidates.Add(ReasonCodes.AccountFlagged);
            // Who set the hold and why live in the audit trail (AccountHold); step 7 reads the same entries.
            evidence.Add(AccountHold.Latest(context.AdminChanges, account.Id) is { } hold
                ? $"{account.Username} is held for review since {Evidence.Utc(hold.At)}, set by {hold.By}: \"{hold.Reason}\"."
                : $"{account.Username} is held for a security review (who set it is older than the audit entries read).");
        }

        var access = account.Memberships.Where(m => m.GivesAccess).ToList();
        if (access.Count == 0 && account.PlatformRoles == PlatformRoles.None)
        {
            candidates.Add(ReasonCodes.NoActiveMembership);
            var removed = account.Memberships.Count(m => !m.GivesAccess);
            evidence.Add($"No active membership with a role ({Evidence.Count(removed, "removed or roleless membership")}).");
        }

        foreach (var counter in context.LockoutCounters.Where(c => c.LockedUntil > context.Now))
        {
            candidates.Add(ReasonCodes.AccountLocked);
            var whose = counter.DeviceKey == LockoutCounter.UntrustedKey ? "every browser the account does not trust" : $"the trusted device {counter.DeviceKey}";
            evidence.Add($"Locked until {Evidence.Utc(counter.LockedUntil!.Value)} for {whose} after {Evidence.Count(counter.FailureCount, "failure")}"
                + (counter.LastFailureAt is { } last ? $", the last at {Evidence.Utc(last)}." : " (set by hand)."));
            var causes = context.Events
                .Where(e => !e.Succeeded && e.ReasonCode == ReasonCodes.InvalidCredentials && e.OccurredAt >= counter.WindowStartedAt
                    && (counter.LastFailureAt is null || e.OccurredAt <= counter.LastFailureAt))
                .ToList();
            if (causes.Count > 0)
            {
                evidence.Add($"The failures came from {string.Join(", ", causes.Select(e => e.ClientIp ?? "?").Distinct())} using {string.Join(", ", causes.Select(Evidence.BrowserOf).Distinct())}.");
            }
        }

        if (account.MustChangePassword)
        {
            candidates.Add(ReasonCodes.PasswordResetRequired);
            evidence.Add("An administrator or a compromise check required a new password.");
        }

        var organizations = PasswordExpiry.OrganizationsOf(account);
        if (PasswordExpiry.ExpiresAt(account, organizations) is { } expiresAt)
        {
            if (expiresAt <= context.Now)
            {
                candidates.Add(ReasonCodes.PasswordExpired);
                evidence.Add($"The password expired at {Evidence.Utc(expiresAt)} (changed {Evidence.Utc(PasswordExpiry.CountedFrom(account))}).");
            }
            else
            {
                evidence.Add($"The password expires at {Evidence.Utc(expiresAt)}.");
            }
        }

        if (candidates.Count > 0)
        {
            return ValueTask.FromResult(CheckFinding.Problem(Name, candidates, [.. evidence]));
        }

        evidence.Insert(0, $"{account.Username} is active, in {Evidence.Count(access.Count, "practice")}, not locked, not held for review.");
        return ValueTask.FromResult(CheckFinding.Ok(Name, [.. evidence]));
    }
}
