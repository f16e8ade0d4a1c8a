using Signpost.Core.Email;
using Signpost.Core.Notifications;

namespace Signpost.Core.Tests.Fakes;

/// <summary>Practices and their admins' addresses, as the directory would list them.</summary>
public sealed class InMemoryPracticeAdminDirectory : IPracticeAdminDirectory
{
    private readonly List<PracticeContacts> _practices = [];

    public PracticeContacts Add(string name, string timeZone, params string[] adminAddresses)
    {
        var practice = new PracticeContacts(Guid.NewGuid(), name, timeZone, [.. adminAddresses.Select(a => new EmailAddress(a))]);
        _practices.Add(practice);
        return practice;
    }

    public Task<IReadOnlyList<PracticeContacts>> ListAsync(Guid? organizationId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PracticeContacts>>(_practices.Where(p => organizationId is null || p.OrganizationId == organizationId).ToList());
}
