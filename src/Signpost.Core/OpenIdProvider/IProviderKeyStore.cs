namespace Signpost.Core.OpenIdProvider;

/// <summary>The provider's keys, shared by every node.</summary>
public interface IProviderKeyStore
{
    /// <summary>Every stored key, newest first.</summary>
    Task<IReadOnlyList<ProviderKey>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="created"/> the current key of its use: the current one retires at <paramref name="now"/>,
    /// keys retired before <paramref name="forgetRetiredBefore"/> are deleted. <paramref name="onlyIfNone"/> makes it
    /// a first key that is added only when no key of that use exists (two nodes starting at once keep one).
    /// Returns false when nothing was added.
    /// </summary>
    Task<bool> AddCurrentAsync(ProviderKey created, DateTimeOffset now, DateTimeOffset forgetRetiredBefore, bool onlyIfNone, CancellationToken cancellationToken);
}
