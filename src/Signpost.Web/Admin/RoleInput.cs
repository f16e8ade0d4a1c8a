using Signpost.Core.Accounts;

namespace Signpost.Web.Admin;

/// <summary>Roles as forms and JSON bodies send them: names, one per value, checked against the three practice roles.</summary>
public static class RoleInput
{
    public const int MaxValues = 8;

    /// <summary>The roles named, or the sentence that says which value is not a role.</summary>
    public static (PracticeRoles Roles, string? Problem) Parse(IEnumerable<string?>? values)
    {
        var roles = PracticeRoles.None;
        var count = 0;
        foreach (var value in values ?? [])
        {
            if (++count > MaxValues)
            {
                return (PracticeRoles.None, "Too many roles: choose from PracticeAdmin, Staff and Provider.");
            }

            var name = value?.Trim() ?? "";
            // Names only: Enum.TryParse would also take "4" or "7" and turn a number into any combination.
            var role = Enum.GetValues<PracticeRoles>().FirstOrDefault(r => r != PracticeRoles.None && string.Equals(r.ToString(), name, StringComparison.OrdinalIgnoreCase));
            if (role == PracticeRoles.None)
            {
                var shown = name.Length > 40 ? name[..40] + "…" : name;
                return (PracticeRoles.None, $"'{shown}' is not a role: choose from PracticeAdmin, Staff and Provider.");
            }

            roles |= role;
        }

        return roles == PracticeRoles.None
            ? (PracticeRoles.None, "Choose at least one role: PracticeAdmin, Staff or Provider.")
            : (roles, null);
    }

    /// <summary>The roles as names, for forms and JSON.</summary>
    public static IReadOnlyList<string> Names(PracticeRoles roles) =>
        Enum.GetValues<PracticeRoles>().Where(r => r != PracticeRoles.None && roles.HasFlag(r)).Select(r => r.ToString()).ToList();
}
