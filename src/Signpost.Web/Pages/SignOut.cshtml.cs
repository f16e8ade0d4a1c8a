using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Sessions;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages;

/// <summary>Ends the session on the server, not just the cookie: a copied cookie stops working too.</summary>
public sealed class SignOutModel(SessionManager sessions) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var sessionId = User.FindFirst(SessionAuthentication.SessionIdClaim)?.Value;
        if (sessionId is not null)
        {
            await sessions.EndAsync(sessionId, "signed out", cancellationToken);
        }

        Response.Cookies.Delete(SessionAuthentication.CookieName);
        return Redirect("/sign-in?signedOut=true");
    }
}
