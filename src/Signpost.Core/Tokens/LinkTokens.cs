using System.Security.Cryptography;
using System.Text;
using Signpost.Core.Accounts;
using Signpost.Core.Reasons;

namespace Signpost.Core.Tokens;

/// <summary>What a link turned out to be when it was looked up.</summary>
/// <param name="Reason">Null while the link is good; otherwise invalid, expired or used.</param>
/// <param name="Token">The stored link, when one matched.</param>
/// <param name="Account">The account it belongs to, when it still exists.</param>
public sealed record LinkCheck(Reason? Reason, ActionToken? Token, Account? Account)
{
    public bool IsValid => Reason is null && Token is not null && Account is not null;
}

/// <summary>
/// The single-use links of activation, password reset and unlock, one rule for all three: 256 random bits
/// (base64url in the link), only the SHA-256 stored, bound to one account and one purpose, an expiry, used
/// once by a conditional update, a newer link of the same purpose voids the older ones, and any password
/// change after issue voids it too.
/// </summary>
public sealed class LinkTokens(IActionTokenStore tokens, IAccountStore accounts, TimeProvider time)
{
    /// <summary>Longest raw token accepted for lookup; a real one is 43 characters.</summary>
    public const int MaxRawLength = 100;

    /// <summary>Issues a new link for the account, voiding unused older ones of the same purpose; returns the raw token and its record.</summary>
    public async Task<(string Raw, ActionToken Token)> IssueAsync(Account account, ActionTokenPurpose purpose, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await tokens.RevokeAllAsync(account.Id, purpose, now, cancellationToken);
        var raw = Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new ActionToken
        {
            AccountId = account.Id,
            Purpose = purpose,
            TokenHash = Hash(raw),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
            PasswordStamp = account.PasswordChangedAt,
        };
        await tokens.AddAsync(token, cancellationToken);
        return (raw, token);
    }

    /// <summary>Looks a link up without using it.</summary>
    public async Task<LinkCheck> CheckAsync(string? raw, ActionTokenPurpose purpose, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(raw) || raw.Length > MaxRawLength || !raw.All(IsBase64UrlChar))
        {
            return new LinkCheck(ReasonCatalogue.Get(ReasonCodes.ResetLinkInvalid), null, null);
        }

        var token = await tokens.FindAsync(Hash(raw), cancellationToken);
        // A link of another purpose (an unlock link pasted into the reset page) is simply not a link here.
        if (token is null || token.Purpose != purpose)
        {
            return new LinkCheck(ReasonCatalogue.Get(ReasonCodes.ResetLinkInvalid), null, null);
        }

        var account = await accounts.FindByIdAsync(token.AccountId, cancellationToken);
        if (account is null)
        {
            return new LinkCheck(ReasonCatalogue.Get(ReasonCodes.ResetLinkInvalid), token, null);
        }

        if (token.UsedAt is not null || !SameStamp(token.PasswordStamp, account.PasswordChangedAt))
        {
            return new LinkCheck(ReasonCatalogue.Get(ReasonCodes.ResetLinkUsed), token, account);
        }

        return token.ExpiresAt <= time.GetUtcNow()
            ? new LinkCheck(ReasonCatalogue.Get(ReasonCodes.ResetLinkExpired), token, account)
            : new LinkCheck(null, token, account);
    }

    /// <summary>Uses the link; false when another request used it first (exactly one of two concurrent uses wins).</summary>
    public Task<bool> TryUseAsync(ActionToken token, CancellationToken cancellationToken) =>
        tokens.TryUseAsync(token.Id, time.GetUtcNow(), cancellationToken);

    /// <summary>Removes a link whose email never left, so no live link exists that nobody received.</summary>
    public Task WithdrawAsync(ActionToken token, CancellationToken cancellationToken) => tokens.DeleteAsync(token.Id, cancellationToken);

    /// <summary>How many links of the purpose went to the account since a moment.</summary>
    public Task<int> CountIssuedSinceAsync(Guid accountId, ActionTokenPurpose purpose, DateTimeOffset since, CancellationToken cancellationToken) =>
        tokens.CountIssuedSinceAsync(accountId, purpose, since, cancellationToken);

    public static string Hash(string raw) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool IsBase64UrlChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    // Stored times keep milliseconds (SQLite) while a clock may carry ticks: compare at the stored precision.
    private static bool SameStamp(DateTimeOffset? issued, DateTimeOffset? now) =>
        issued?.ToUnixTimeMilliseconds() == now?.ToUnixTimeMilliseconds();
}
