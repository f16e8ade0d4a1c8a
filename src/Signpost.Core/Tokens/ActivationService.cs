using System.Security.Cryptography;
using System.Text;
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
/// Activation links for accounts created without a password (the CLI, the first platform admin):
/// 256 random bits, stored as SHA-256, single use, and any newer link voids the older ones.
/// </summary>
public sealed class ActivationService(
    IActionTokenStore tokens,
    IAccountStore accounts,
    PasswordHashing hashing,
    ISignInEventStore events,
    TimeProvider time)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(7);

    /// <summary>Issues a new link token for the account, voiding earlier ones; returns the raw token for the link.</summary>
    public async Task<string> IssueAsync(Guid accountId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await tokens.RevokeAllAsync(accountId, ActionTokenPurpose.Activation, now, cancellationToken);
        var raw = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await tokens.AddAsync(new ActionToken
        {
            AccountId = accountId,
            Purpose = ActionTokenPurpose.Activation,
            TokenHash = Hash(raw),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        }, cancellationToken);
        return raw;
    }

    /// <summary>Checks a link without using it, so the page can say at once that it is expired or used.</summary>
    public async Task<(Reason Reason, Account? Account)> InspectAsync(string? raw, CancellationToken cancellationToken)
    {
        var (reason, token) = await LookupAsync(raw, cancellationToken);
        var account = token is null ? null : await accounts.FindByIdAsync(token.AccountId, cancellationToken);
        return (reason, account);
    }

    /// <summary>Sets the first password through the link and activates the account. No automatic sign-in.</summary>
    public async Task<ActivationResult> ActivateAsync(string? raw, string? newPassword, string traceId, ClientFacts client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (reason, token) = await LookupAsync(raw, cancellationToken);
        Account? account = token is null ? null : await accounts.FindByIdAsync(token.AccountId, cancellationToken);
        IReadOnlyList<string> problems = [];
        if (reason.IsSuccess && account is not null)
        {
            problems = PasswordPolicy.Check(newPassword, account);
            if (problems.Count > 0)
            {
                reason = ReasonCatalogue.Get(ReasonCodes.PasswordNotAccepted);
            }
            else if (!await tokens.TryUseAsync(token!.Id, now, cancellationToken))
            {
                reason = ReasonCatalogue.Get(ReasonCodes.ResetLinkUsed);
            }
            else
            {
                await accounts.SetPasswordAsync(account.Id, hashing.Hash(newPassword!), now, cancellationToken);
            }
        }

        await events.AppendAsync(new SignInEvent
        {
            TraceId = traceId,
            OccurredAt = now,
            Identifier = account?.Username,
            IdentifierKind = "link",
            AccountId = account?.Id,
            Method = SignInMethod.Activation,
            Succeeded = reason.IsSuccess,
            ReasonCode = reason.Code,
            ShownReasonCode = reason.Code,
            Detail = problems.Count > 0 ? string.Join(" ", problems) : $"Activation link: {reason.Title}.",
            ClientIp = client.Ip?.ToString(),
            UserAgent = SignInEventRecorder.Cut(client.UserAgent, SignInEvent.MaxUserAgentLength),
            CookiesWorking = client.CookiesWorking,
            JavaScriptWorking = client.JavaScriptWorking,
        }, cancellationToken);
        return new ActivationResult(reason, traceId, now, account, problems);
    }

    private async Task<(Reason Reason, ActionToken? Token)> LookupAsync(string? raw, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(raw) || raw.Length > 100)
        {
            return (ReasonCatalogue.Get(ReasonCodes.ResetLinkInvalid), null);
        }

        var token = await tokens.FindAsync(Hash(raw), cancellationToken);
        if (token is null || token.Purpose != ActionTokenPurpose.Activation)
        {
            return (ReasonCatalogue.Get(ReasonCodes.ResetLinkInvalid), null);
        }

        if (token.UsedAt is not null)
        {
            return (ReasonCatalogue.Get(ReasonCodes.ResetLinkUsed), token);
        }

        return token.ExpiresAt <= time.GetUtcNow()
            ? (ReasonCatalogue.Get(ReasonCodes.ResetLinkExpired), token)
            : (ReasonCatalogue.Get(ReasonCodes.AccountActivated), token);
    }

    public static string Hash(string raw) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));
}
