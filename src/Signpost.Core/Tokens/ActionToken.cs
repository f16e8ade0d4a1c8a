namespace Signpost.Core.Tokens;

public enum ActionTokenPurpose
{
    Activation,
    PasswordReset,
    Unlock,
}

/// <summary>
/// A single-use link token (activation now; reset and unlock with the recovery work). Only the SHA-256
/// of the 256-bit random value is stored.
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
}

public interface IActionTokenStore
{
    Task AddAsync(ActionToken token, CancellationToken cancellationToken);

    Task<ActionToken?> FindAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>Marks the token used if it is still unused; false when someone else used it first.</summary>
    Task<bool> TryUseAsync(Guid tokenId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Voids every unused token of this purpose for the account (a newer link replaces older ones).</summary>
    Task RevokeAllAsync(Guid accountId, ActionTokenPurpose purpose, DateTimeOffset at, CancellationToken cancellationToken);
}
