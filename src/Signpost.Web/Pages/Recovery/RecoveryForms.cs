using System.Security.Claims;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Recovery;

/// <summary>What the recovery pages share: reading a guarded form and knowing who is signed in.</summary>
internal static class RecoveryForms
{
    /// <summary>
    /// Reads the posted form and checks it with <see cref="FormGuard"/>: a blocked cookie, a stale page or
    /// an unreadable body become a reason and an event instead of a bare 400.
    /// </summary>
    public static async Task<(IFormCollection? Form, FailureView? Failure)> ReadAsync(HttpContext context, FormGuard guard, SignInMethod method, CancellationToken cancellationToken)
    {
        IFormCollection? form;
        try
        {
            form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(cancellationToken) : null;
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            var unreadable = await EdgeRejections.RecordAsync(context, ReasonCodes.InvalidRequest, null, method,
                $"The form could not be read: {ex.Message}", problems: ["The form could not be read. Reload the page and try again."]);
            return (null, FailureView.From(unreadable));
        }

        if (form is null)
        {
            var notForm = await EdgeRejections.RecordAsync(context, ReasonCodes.InvalidRequest, null, method,
                $"Content type '{context.Request.ContentType}' is not a form.", problems: ["Use the form on this page."]);
            return (null, FailureView.From(notForm));
        }

        var javaScript = form[FormGuard.JavaScriptField].ToString() == "1";
        if (await guard.CheckAsync(context) is { } why)
        {
            var identifier = form["identifier"].ToString();
            var edge = await EdgeRejections.RecordAsync(context, why.Code, identifier.Length is > 0 and <= SignInEvent.MaxIdentifierLength ? identifier : null, method, why.Detail,
                cookiesWorking: why.Code != ReasonCodes.CookiesDisabled, javaScriptWorking: javaScript);
            return (null, FailureView.From(edge));
        }

        return (form, null);
    }

    public static bool JavaScript(IFormCollection form) => form[FormGuard.JavaScriptField].ToString() == "1";

    /// <summary>The account signed in on this browser, if any (a link for someone else is refused, not silently used).</summary>
    public static Guid? SignedInAccount(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    /// <summary>Links are a single line of base64url; anything longer is not worth a database look-up.</summary>
    public static string? Token(string? raw) => raw is { Length: <= Core.Tokens.LinkTokens.MaxRawLength } ? raw.Trim() : raw;
}
