using Signpost.Core.SingleSignOn;

namespace Signpost.Core.Tests.Fakes;

/// <summary>"SSO required" per practice, set by the test.</summary>
public sealed class InMemorySsoPolicy : ISsoPolicy
{
    public HashSet<Guid> Required { get; } = [];

    public Task<IReadOnlySet<Guid>> RequiringSsoAsync(IReadOnlyCollection<Guid> organizationIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<Guid>>(organizationIds.Where(Required.Contains).ToHashSet());
}
