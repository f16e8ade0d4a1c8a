using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Accounts;
using Signpost.Core.Documents;
using Signpost.Web.Maintenance;
using Procedure = Signpost.Core.Maintenance.DowntimeProcedure;

namespace Signpost.Web.Pages;

/// <summary>
/// <c>/downtime-procedure</c>: what a practice does while the portal is down, written by the operators in
/// Markdown. For practice administrators and platform staff; anyone else signed in is told whom to ask.
/// </summary>
[Authorize]
public sealed class DowntimeProcedureModel(IAccountStore accounts, Procedure procedure, SafeMarkdown markdown) : PageModel
{
    public bool Allowed { get; private set; }
    public SiteDocument? Document { get; private set; }
    public string Html { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var account = await Infrastructure.SignedInAccount.FindAsync(HttpContext, accounts, cancellationToken);
        Allowed = account is not null && MayRead(account);
        if (!Allowed)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }

        Document = await procedure.FindAsync(cancellationToken);
        if (Document is not null)
        {
            Html = markdown.Render(Document.Markdown).Html;
        }

        return Page();
    }

    /// <summary>Practice administrators of any practice, and anyone with a platform role.</summary>
    public static bool MayRead(Core.Accounts.Account account) =>
        account.PlatformRoles != PlatformRoles.None
        || account.Memberships.Any(m => m.GivesAccess && m.Roles.HasFlag(PracticeRoles.PracticeAdmin));
}
