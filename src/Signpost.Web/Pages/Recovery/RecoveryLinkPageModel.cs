using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Events;
using Signpost.Core.Recovery;
using Signpost.Core.Tokens;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Recovery;

/// <summary>
/// A page behind an emailed link (reset, unlock). Opening it checks the link and trusts the browser for the
/// account (<see cref="RecoveryForms.OpenLinkAsync"/>); its form posts the token back under <see cref="FormGuard"/>.
/// </summary>
[IgnoreAntiforgeryToken]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimiting.SignInPolicy)]
public abstract class RecoveryLinkPageModel(RecoveryService recovery, FormGuard guard, ActionTokenPurpose purpose, SignInMethod method) : PageModel
{
    public string FormStamp { get; private set; } = "";
    public string? Token { get; protected set; }
    public string? Username { get; protected set; }
    public bool Done { get; protected set; }
    public FailureView? Failure { get; protected set; }

    protected RecoveryService Recovery => recovery;

    public async Task OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        FormStamp = guard.IssueStamp();
        Token = RecoveryForms.Token(token);
        (Username, Failure) = await RecoveryForms.OpenLinkAsync(HttpContext, recovery, purpose, Token, cancellationToken);
    }

    /// <summary>
    /// Reads the posted form and its token; the page gets a fresh stamp either way. Null when the form was refused,
    /// and then <see cref="Failure"/> says why.
    /// </summary>
    protected async Task<IFormCollection?> ReadFormAsync(CancellationToken cancellationToken)
    {
        FormStamp = guard.IssueStamp();
        var (form, failure) = await RecoveryForms.ReadAsync(HttpContext, guard, method, cancellationToken);
        if (form is null)
        {
            Failure = failure;
            return null;
        }

        Token = RecoveryForms.Token(form["token"]);
        return form;
    }
}
