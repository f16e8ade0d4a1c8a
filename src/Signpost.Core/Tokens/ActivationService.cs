using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Passwords;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;

namespace Signpost.Core.Tokens;

/// <summary>The outcome of using an activation link.</summary>
public sealed record ActivationResult(Reason Reason, string TraceId, DateTimeOffset OccurredAt, Account? Account, IReadOnlyList<string> Problems)
{
    public bool Succeeded => Reason.IsSuccess;
}

/// <summary>
/// Activation links for accounts created without a password (the CLI, the first platform admin, a
/// forgot-password request for a pending account). The link rules are <see cref="LinkTokens"/>'s, the same
/// as for reset and unlock; the password rules are <see cref="PasswordPolicy"/>'s. No automatic sign-in.
/// </summary>
public sealed class ActivationService(
    LinkTokens links,
    IAccountStore accounts,
    PasswordHashing hashing,
    PasswordPolicy policy,
    SignInEventRecorder recorder,
    TimeProvider time)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(7);

    /// <summary>Issues a new link token for the account, voiding earlier ones; returns the raw token for the link.</summary>
    public async Task<string> IssueAsync(Guid accountId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var account = await accounts.FindByIdAsync(accountId, cancellationToken)
            ?? throw new InvalidOperationException($"No account {accountId} to activate.");
        return (await links.IssueAsync(account, ActionTokenPurpose.Activation, lifetime, cancellationToken)).Raw;
    }

    /// <summary>Checks a link without using it, so the page can say at once that it is expired or used.</summary>
    public async Task<(Reason Reason, Account? Account)> InspectAsync(string? raw, CancellationToken cancellationToken)
    {
        var check = await links.CheckAsync(raw, ActionTokenPurpose.Activation, cancellationToken);
        return (check.Reason ?? ReasonCatalogue.Get(ReasonCodes.AccountActivated), check.Account);
    }

    /// <summary>Sets the first password through the link and activates the account. No automatic sign-in.</summary>
    public async Task<ActivationResult> ActivateAsync(string? raw, string? newPassword, string traceId, ClientFacts client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var check = await links.CheckAsync(raw, ActionTokenPurpose.Activation, cancellationToken);
        var account = check.Account;
        var reason = check.Reason ?? ReasonCatalogue.Get(ReasonCodes.AccountActivated);
        IReadOnlyList<string> problems = [];
        var detail = $"Activation link: {reason.Title}.";
        if (check.IsValid && account!.Status == AccountStatus.Disabled)
        {
            reason = ReasonCatalogue.Get(ReasonCodes.AccountDisabled);
            detail = "The account was disabled after the link was sent.";
        }
        else if (check.IsValid)
        {
            var names = account!.Memberships.Where(m => m.Organization is not null).Select(m => m.Organization!.Name).ToList();
            var verdict = await policy.CheckAsync(newPassword, new PasswordContext(account, names), cancellationToken);
            if (!verdict.Accepted)
            {
                reason = ReasonCatalogue.Get(ReasonCodes.PasswordNotAccepted);
                problems = verdict.Messages;
                detail = "Rules failed: " + string.Join(", ", verdict.Failures.Select(f => f.Rule)) + ".";
            }
            else if (!await links.TryUseAsync(check.Token!, cancellationToken))
            {
                reason = ReasonCatalogue.Get(ReasonCodes.ResetLinkUsed);
                detail = "Another request used this link first.";
            }
            else
            {
                await accounts.SetPasswordAsync(account.Id, hashing.Hash(newPassword!), now, cancellationToken);
                detail = verdict.Note is null ? "Password set; the account is active." : $"Password set; the account is active. {verdict.Note}";
            }
        }

        await recorder.RecordStepAsync(new SignInStep(SignInMethod.Activation, traceId, now, reason)
        {
            Account = account,
            IdentifierKind = "link",
            Detail = detail,
        }, client, cancellationToken);
        return new ActivationResult(reason, traceId, now, account, problems);
    }
}
