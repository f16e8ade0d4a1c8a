using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Organizations;

namespace Signpost.Web.Pages.Platform;

/// <summary>
/// What the platform pages share: the problems of the last post, each naming its field, so the page marks
/// that input (<c>aria-invalid</c>, a message it is described by) and lists every problem at the top.
/// </summary>
/// <remarks>The folder is authorized for platform admins only (<see cref="Infrastructure.Authorization.PlatformAdminPolicy"/>).</remarks>
public abstract class PlatformPageModel : PageModel
{
    /// <summary>Problems of the last post; a problem with an empty field belongs to the form as a whole.</summary>
    public List<PolicyProblem> Problems { get; } = [];

    /// <summary>A one-line confirmation after a successful post (from the redirect's query string).</summary>
    public string? Done { get; protected set; }

    public string? ErrorFor(string field) =>
        Problems.FirstOrDefault(p => string.Equals(p.Field, field, StringComparison.Ordinal))?.Message;

    /// <summary>"true" or "false", for <c>aria-invalid</c>.</summary>
    public string Invalid(string field) => ErrorFor(field) is null ? "false" : "true";

    /// <summary>The input's description: its error message when there is one, then its hint.</summary>
    public string? DescribedBy(string id, string field, bool hint = false)
    {
        var ids = new List<string>();
        if (ErrorFor(field) is not null)
        {
            ids.Add(id + "-error");
        }

        if (hint)
        {
            ids.Add(id + "-hint");
        }

        return ids.Count == 0 ? null : string.Join(' ', ids);
    }

    protected void Fail(string field, string message) => Problems.Add(new PolicyProblem(field, message));
}
