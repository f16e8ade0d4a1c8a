using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Reasons;

namespace Signpost.Web.Pages.Help;

/// <summary>One reason code explained, from the catalogue (the anchor of docs/design.md §3).</summary>
public sealed class CodeModel : PageModel
{
    public Reason Reason { get; private set; } = null!;

    public string VisibilityText => Reason.Visibility switch
    {
        ReasonVisibility.Anyone => "Shown to anyone it happens to.",
        ReasonVisibility.PasswordProven => $"Shown only after the correct password was given; before that it appears as \"{Reason.PublicCode}\", so nobody can learn an account's state by guessing.",
        _ => $"Shown only on a browser this account signed in with before (and in the unlock email); elsewhere it appears as \"{Reason.PublicCode}\", so a lock never confirms a guessed password.",
    };

    public IActionResult OnGet(string code)
    {
        if (!ReasonCatalogue.TryGet(code, out var reason))
        {
            return NotFound();
        }

        Reason = reason;
        return Page();
    }
}
