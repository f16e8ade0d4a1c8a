using Signpost.Core.Email;

namespace Signpost.Core.Notifications;

/// <summary>A practice and the addresses of its administrators, with the time zone its staff read times in.</summary>
public sealed record PracticeContacts(Guid OrganizationId, string Name, string TimeZone, IReadOnlyList<EmailAddress> Admins);

/// <summary>Who administers which practice: the recipients of practice-wide notices.</summary>
public interface IPracticeAdminDirectory
{
    /// <summary>
    /// Practices with the active accounts that hold <see cref="Accounts.PracticeRoles.PracticeAdmin"/> in an
    /// active membership; every practice when <paramref name="organizationId"/> is null, else that one.
    /// Practices without such an administrator are listed with no addresses.
    /// </summary>
    Task<IReadOnlyList<PracticeContacts>> ListAsync(Guid? organizationId, CancellationToken cancellationToken);
}
