using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;
using Signpost.Web.Infrastructure;
using Signpost.Web.Mfa;

namespace Signpost.Web.Pages;

/// <summary>
/// Sign-in with a passkey and no password (docs/mfa.md, "Passkeys"). <c>?handler=Options</c> hands the browser
/// the WebAuthn request (for any discoverable passkey of this site) with its protected token; the page script
/// (wwwroot/js/passkeys.js) asks the authenticator and posts its answer here, where the pipeline checks it
/// (<see cref="PasswordSignIn.PasskeySignInAsync"/>). Anti-forgery is checked by <see cref="FormGuard"/>, as on
/// the sign-in page, so a stale page gets a reason and an event.
/// </summary>
[IgnoreAntiforgeryToken]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimiting.SignInPolicy)]
public sealed class SignInPasskeyModel(PasswordSignIn pipeline, FormGuard guard, PasskeyCeremonies ceremonies) : PageModel
{
    public FailureView? Failure { get; private set; }
    public string FormStamp { get; private set; } = "";

    /// <summary>The practice whose page the person came from (<c>/o/{slug}</c>), kept for its rules and the way back.</summary>
    public string? Practice { get; private set; }

    public string? ReturnUrl { get; private set; }

    public IActionResult OnGet(string? org, string? returnUrl)
    {
        Practice = org is not null && AccountRules.IsValidSlug(org) ? org : null;
        ReturnUrl = LocalUrls.IsLocal(returnUrl) ? returnUrl : null;
        FormStamp = guard.IssueStamp();
        return Page();
    }

    /// <summary>The request for a discoverable passkey; nothing about any account is in it.</summary>
    public IActionResult OnPostOptions()
    {
        var (options, state) = ceremonies.AssertionOptions(PasskeyPurposes.SignIn, []);
        return OptionsResult(options, state);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        FormStamp = guard.IssueStamp();
        IFormCollection? form;
        try
        {
            form = Request.HasFormContentType ? await Request.ReadFormAsync(cancellationToken) : null;
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            form = null;
        }

        if (form is null)
        {
            var unreadable = await EdgeRejections.RecordAsync(HttpContext, ReasonCodes.InvalidRequest, null, SignInMethod.Passkey,
                "The passkey form could not be read.", problems: ["The form could not be read. Reload the page and try again."]);
            Failure = FailureView.From(unreadable);
            return Page();
        }

        var org = form["org"].ToString();
        Practice = AccountRules.IsValidSlug(org) ? org : null;
        var returnUrl = form["returnUrl"].ToString();
        ReturnUrl = LocalUrls.IsLocal(returnUrl) ? returnUrl : null;
        var javaScript = form[FormGuard.JavaScriptField].ToString() == "1";
        if (await guard.CheckAsync(HttpContext) is { } why)
        {
            var edge = await EdgeRejections.RecordAsync(HttpContext, why.Code, null, SignInMethod.Passkey, why.Detail,
                cookiesWorking: why.Code != ReasonCodes.CookiesDisabled, javaScriptWorking: javaScript);
            Failure = FailureView.From(edge);
            return Page();
        }

        var assertion = ceremonies.ReadAnswer(PasskeyPurposes.SignIn, form["state"].ToString(), form["response"].ToString(), form["error"].ToString());
        var request = new PasswordSignInRequest(null, null, Practice, SignInMethod.Passkey,
            HttpContext.GetTraceId(), ClientFactsReader.Read(HttpContext, cookiesWorking: true, javaScriptWorking: javaScript));
        var result = await pipeline.PasskeySignInAsync(assertion, request, cancellationToken);
        if (result.Succeeded)
        {
            ClientFactsReader.WriteSignInCookies(HttpContext, result);
            return await OpenIdProvider.AuthorizeHandoff.RedirectAsync(HttpContext, SignInModel.TargetAfter(result, ReturnUrl), cancellationToken);
        }

        Failure = FailureView.From(result);
        return Page();
    }

    /// <summary>The options as the browser script reads them: the WebAuthn JSON as Fido2 wrote it, and the token to send back.</summary>
    internal static ContentResult OptionsResult(string optionsJson, string state) => new()
    {
        Content = $"{{\"options\":{optionsJson},\"state\":{JsonSerializer.Serialize(state)}}}",
        ContentType = "application/json",
        StatusCode = 200,
    };
}
