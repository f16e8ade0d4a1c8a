using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Organizations;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Admin;

/// <summary>The practices the signed-in person administers (a platform admin: all of them).</summary>
[Authorize]
public sealed class IndexModel(AdminScope scope) : PageModel
{
    public IReadOnlyList<Organization> Practices { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Practices = await scope.AdministeredOrganizationsAsync(cancellationToken);
}
