using System.Security.Claims;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.Recovery;
using Signpost.Core.Tokens;
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

    /// <summary>
    /// Opens a link page: a bad link gives the failure to show (and its event); a good one trusts this
    /// browser for the account — the way out of a lockout attack — and gives the username for the form.
    /// </summary>
    public static async Task<(string? Username, FailureView? Failure)> OpenLinkAsync(
        HttpContext context, RecoveryService recovery, ActionTokenPurpose purpose, string? token, CancellationToken cancellationToken)
    {
        var (result, check) = await recovery.OpenAsync(purpose, token, SignedInAccount(context.User), context.GetTraceId(), ClientFactsReader.Read(context), cancellationToken);
        if (!result.Succeeded)
        {
            return (null, FailureView.From(result));
        }

        await ClientFactsReader.TrustBrowserAsync(context, check.Account!.Id, cancellationToken);
        return (check.Account.Username, null);
    }

    public static bool JavaScript(IFormCollection form) => form[FormGuard.JavaScriptField].ToString() == "1";

    /// <summary>The account signed in on this browser, if any (a link for someone else is refused, not silently used).</summary>
    public static Guid? SignedInAccount(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    /// <summary>Links are a single line of base64url; anything longer is not worth a database look-up.</summary>
    public static string? Token(string? raw) => raw is { Length: <= Core.Tokens.LinkTokens.MaxRawLength } ? raw.Trim() : raw;
}
