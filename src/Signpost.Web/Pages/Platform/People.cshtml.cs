using Microsoft.AspNetCore.Mvc;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Web.Platform;

namespace Signpost.Web.Pages.Platform;

/// <summary>
/// Who holds the platform roles: support agents (read any attempt, diagnose, act) and platform admins
/// (these pages). Grant by username or email; revoke from the list. Removing one's own PlatformAdmin role
/// and the last active platform admin are refused, so the platform cannot be left without an operator.
/// </summary>
public sealed class PeopleModel(PlatformAdministration platform) : PlatformPageModel
{
    public IReadOnlyList<PlatformPerson> People { get; private set; } = [];

    [BindProperty] public string? Identifier { get; set; }
    [BindProperty] public string? Role { get; set; }

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        Done = done switch { "granted" => "Role granted.", "revoked" => "Role revoked.", _ => null };
        People = await platform.ListPlatformPeopleAsync(cancellationToken);
    }

    public Task<IActionResult> OnPostGrantAsync(CancellationToken cancellationToken) =>
        ActAsync("granted", role => platform.GrantPlatformRoleAsync(Identifier ?? "", role, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostRevokeAsync(CancellationToken cancellationToken) =>
        ActAsync("revoked", role => platform.RevokePlatformRoleAsync(Identifier ?? "", role, cancellationToken), cancellationToken);

    private async Task<IActionResult> ActAsync(string done, Func<PlatformRoles, Task<AdminResult<Core.Accounts.Account>>> act, CancellationToken cancellationToken)
    {
        if (!Enum.TryParse<PlatformRoles>(Role?.Trim(), ignoreCase: false, out var role) || role is not (PlatformRoles.SupportAgent or PlatformRoles.PlatformAdmin)
            || int.TryParse(Role, out _))
        {
            Fail(nameof(Role), "Choose SupportAgent or PlatformAdmin.");
        }
        else
        {
            var result = await act(role);
            if (result.Succeeded)
            {
                return RedirectToPage(new { done });
            }

            // A missing or unnamed account is the identifier's fault; a refusal (the last admin, oneself) is the act's.
            Fail(result.Outcome == AdminOutcome.NotFound || result.Result.Field == "identifier" ? nameof(Identifier) : "", result.Message);
        }

        People = await platform.ListPlatformPeopleAsync(cancellationToken);
        return Page();
    }
}
