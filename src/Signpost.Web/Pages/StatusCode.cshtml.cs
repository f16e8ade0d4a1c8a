using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages;

/// <summary>Friendly pages for bare status codes (an unknown practice address, a refused form).</summary>
[Microsoft.AspNetCore.Mvc.IgnoreAntiforgeryToken]
public sealed class StatusCodeModel : PageModel
{
    public string Title { get; private set; } = "";
    public string Message { get; private set; } = "";
    public string TraceId { get; private set; } = "";

    public void OnGet(int status) => Describe(status);

    public void OnPost(int status) => Describe(status);

    private void Describe(int status)
    {
        TraceId = HttpContext.GetTraceId();
        (Title, Message) = status switch
        {
            404 => ("Page not found", "There is no page at this address. If it was a practice's sign-in bookmark, ask the practice administrator for the current one."),
            400 => ("The form could not be read", "Reload the page and try again."),
            403 => ("Not allowed", "Your account does not have access to this page."),
            _ => ("Something went wrong", "Please try again."),
        };
    }
}
