namespace Signpost.Core.Tokens;

public enum ActionTokenPurpose
{
    Activation,
    PasswordReset,
    Unlock,
    /// <summary>An invitation to join a practice, sent to a person who already has an account; accepting it activates the invited memberships.</summary>
    Invitation,
}

/// <summary>
/// A single-use link token for activation, password reset and unlock. Only the SHA-256 of the 256-bit
/// random value is stored. <see cref="PasswordStamp"/> binds it to the password the account had when it
/// was issued, so any later password change voids it.
/// </summary>
public sealed class ActionToken
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid AccountId { get; set; }
    public ActionTokenPurpose Purpose { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    /// <summary>The account's <c>PasswordChangedAt</c> when the link was issued; a different value at use means the password changed since.</summary>
    public DateTimeOffset? PasswordStamp { get; set; }
}

public interface IActionTokenStore
{
    Task AddAsync(ActionToken token, CancellationToken cancellationToken);

    Task<ActionToken?> FindAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>Marks the token used if it is still unused; false when someone else used it first.</summary>
    Task<bool> TryUseAsync(Guid tokenId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Voids every unused token of this purpose for the account (a newer link replaces older ones).</summary>
    Task RevokeAllAsync(Guid accountId, ActionTokenPurpose purpose, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>How many links of this purpose were issued to the account since <paramref name="since"/> (the per-account limit).</summary>
    Task<int> CountIssuedSinceAsync(Guid accountId, ActionTokenPurpose purpose, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Removes a token whose email could not be sent, so nothing is left half done.</summary>
    Task DeleteAsync(Guid tokenId, CancellationToken cancellationToken);
}
