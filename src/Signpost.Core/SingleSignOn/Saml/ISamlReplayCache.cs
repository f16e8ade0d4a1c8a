namespace Signpost.Core.SingleSignOn.Saml;

/// <summary>
/// Assertion IDs already used, shared by every node (a database table): an assertion is accepted once, even when
/// a copy of the posted form is replayed to another node before it expires (SAML Profiles §4.1.4.5).
/// </summary>
public interface ISamlReplayCache
{
    /// <summary>
    /// Records <paramref name="assertionId"/> for the connection until <paramref name="expiresAt"/>; false when it
    /// was recorded before (a replay). Atomic across nodes: of two concurrent uses, one gets false.
    /// </summary>
    Task<bool> TryUseAsync(Guid connectionId, string assertionId, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Forgets IDs whose assertions expired before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
