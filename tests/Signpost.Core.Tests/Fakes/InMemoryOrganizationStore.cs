using System.Collections.Concurrent;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;

namespace Signpost.Core.Tests.Fakes;

public sealed class InMemoryOrganizationStore : IOrganizationStore
{
    private readonly ConcurrentDictionary<string, Organization> _bySlug = new(StringComparer.Ordinal);
    private int _lookups;

    public int Lookups => _lookups;

    public void Add(Organization organization) => _bySlug[organization.Slug] = organization;

    public Task<Organization?> FindBySlugAsync(string slug, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        return Task.FromResult(_bySlug.GetValueOrDefault(slug));
    }
}
