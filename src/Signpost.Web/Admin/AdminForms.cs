using System.Globalization;
using Signpost.Core.Accounts;

namespace Signpost.Web.Admin;

/// <summary>Words and choices the console's forms share.</summary>
public static class AdminForms
{
    public static readonly IReadOnlyList<string> Roles = [nameof(PracticeRoles.PracticeAdmin), nameof(PracticeRoles.Staff), nameof(PracticeRoles.Provider)];

    public static readonly IReadOnlyList<(string Value, string Text)> Statuses =
    [
        ("active", "Active"), ("pendingactivation", "Waiting for activation"), ("disabled", "Disabled"), ("locked", "Locked"),
    ];

    public static string RoleText(string role) => role switch
    {
        nameof(PracticeRoles.PracticeAdmin) => "Practice administrator",
        nameof(PracticeRoles.Provider) => "Provider",
        _ => "Staff",
    };

    /// <summary>The label of the field an error names, so the message says which input to fix.</summary>
    public static string FieldLabel(string field) => field switch
    {
        "email" => "Email",
        "username" => "Username",
        "displayName" => "Name",
        "npi" => "NPI",
        "roles" => "Roles",
        "days" => "Days",
        "to" => "Practice",
        "version" => "Form",
        _ => field,
    };

    public static string StatusText(AccountStatus status, DateTimeOffset? lockedUntil, bool mustChangePassword)
    {
        var text = status switch
        {
            AccountStatus.Active => "Active",
            AccountStatus.PendingActivation => "Waiting for activation",
            _ => "Disabled",
        };
        if (lockedUntil is { } until)
        {
            text += $", locked until {until.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC";
        }

        return mustChangePassword ? text + ", must change password" : text;
    }
}
