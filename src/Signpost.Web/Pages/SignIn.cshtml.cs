using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages;

/// <summary>
/// The generic sign-in page and the bookmarkable <c>/o/{slug}</c>. Anti-forgery is checked by
/// <see cref="FormGuard"/> rather than the framework filter, so that a blocked cookie and a stale page
/// get reasons and events instead of a bare 400. The password pipeline and what only a posted form needs come into
/// <see cref="OnPostAsync"/> alone: built for every view of the page, they were work no GET used (a few per cent of
/// a GET's server CPU, measured alternating on 2026-12-07).
/// </summary>
[IgnoreAntiforgeryToken]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimiting.SignInPolicy)]
public sealed class SignInModel(
    IOrganizationStore organizations,
    FormGuard guard,
    Signpost.Web.Sso.SsoConnectionManager ssoConnections) : PageModel
{
    public Organization? Organization { get; private set; }
    public FailureView? Failure { get; private set; }
    public string FormStamp { get; private set; } = "";
    public string? Identifier { get; private set; }
    public bool SignedOut { get; private set; }
    /// <summary>The practice's single sign-on, when it has one: the page offers its button.</summary>
    public Core.SingleSignOn.SsoConnection? Sso { get; private set; }
    /// <summary>The generic page's "sign in with your organization" found no practice for the email's domain.</summary>
    public bool SsoDomainUnknown { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? slug, bool signedOut, string? sso, string? returnUrl, CancellationToken cancellationToken)
    {
        if (!await LoadOrganizationAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        // Home-realm discovery: a practice that signs in only through its provider goes straight there.
        // Its policy is no secret: the slug is public, and the page would offer only that button anyway.
        if (Sso is { Required: true } && !signedOut)
        {
            var query = LocalUrls.IsLocal(returnUrl) ? "?returnUrl=" + Uri.EscapeDataString(returnUrl!) : "";
            return Redirect($"/sso/{Organization!.Slug}{query}");
        }

        SsoDomainUnknown = sso == "unknown";

        SignedOut = signedOut;
        FormStamp = guard.IssueStamp();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? slug, string? returnUrl, [FromServices] PasswordSignIn pipeline, [FromServices] PasswordChangeTickets tickets,
        [FromServices] Mfa.SecondFactorChallengeTokens challenges, CancellationToken cancellationToken)
    {
        if (!await LoadOrganizationAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        FormStamp = guard.IssueStamp();
        IFormCollection? form;
        try
        {
            form = Request.HasFormContentType ? await Request.ReadFormAsync(cancellationToken) : null;
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            // A form too large or malformed to read is still an attempt: a reason, an event, a form error.
            var unreadable = await EdgeRejections.RecordAsync(HttpContext, ReasonCodes.InvalidRequest, null, SignInMethod.Password,
                $"The form could not be read: {ex.Message}", problems: ["The form could not be read. Reload the page and try again."]);
            Failure = FailureView.From(unreadable);
            return Page();
        }

        if (form is null)
        {
            var notForm = await EdgeRejections.RecordAsync(HttpContext, ReasonCodes.InvalidRequest, null, SignInMethod.Password,
                $"Content type '{Request.ContentType}' is not a form.", problems: ["Sign in with the form on this page."]);
            Failure = FailureView.From(notForm);
            return Page();
        }

        var identifier = form["identifier"].ToString();
        var password = form["password"].ToString();
        var javaScript = form[FormGuard.JavaScriptField].ToString() == "1";
        Identifier = identifier is { Length: <= AccountRules.MaxIdentifierLength } ? identifier : null;

        var rejected = await guard.CheckAsync(HttpContext);
        if (rejected is { } why)
        {
            var edge = await EdgeRejections.RecordAsync(HttpContext, why.Code, identifier, SignInMethod.Password, why.Detail,
                cookiesWorking: why.Code != ReasonCodes.CookiesDisabled, javaScriptWorking: javaScript);
            Failure = FailureView.From(edge);
            return Page();
        }

        if (identifier.Contains('\uFFFD', StringComparison.Ordinal))
        {
            // The form reader decodes raw bytes that are not UTF-8 as U+FFFD, a character nobody types into an
            // identifier: tell the sender the form was unreadable rather than "not recognised".
            var garbled = await EdgeRejections.RecordAsync(HttpContext, ReasonCodes.InvalidRequest, identifier, SignInMethod.Password,
                "The identifier could not be read: the form held bytes that are not UTF-8 text.", cookiesWorking: true, javaScriptWorking: javaScript,
                problems: ["The identifier could not be read. Type it again."]);
            Failure = FailureView.From(garbled);
            return Page();
        }

        var request = new PasswordSignInRequest(identifier, password, Organization?.Slug, SignInMethod.Password,
            HttpContext.GetTraceId(), ClientFactsReader.Read(HttpContext, cookiesWorking: true, javaScriptWorking: javaScript));
        var result = await pipeline.SignInAsync(request, cancellationToken);

        if (result.Challenge is { } challenge)
        {
            // The token travels in an HttpOnly cookie, not the address: it stays out of history, logs and referrers.
            ClientFactsReader.WriteShortLivedCookie(HttpContext, Mfa.SecondFactorChallengeTokens.CookieName, challenges.Issue(challenge),
                Core.Mfa.SecondFactorChallenge.Lifetime);
            return Redirect("/sign-in/verify" + (LocalUrls.IsLocal(returnUrl) ? "?returnUrl=" + Uri.EscapeDataString(returnUrl!) : ""));
        }

        if (result.Succeeded)
        {
            ClientFactsReader.WriteSignInCookies(HttpContext, result);
            return await OpenIdProvider.AuthorizeHandoff.RedirectAsync(HttpContext, TargetAfter(result, returnUrl), cancellationToken);
        }

        if (result.PasswordChangeAccountId is { } accountId)
        {
            return Redirect(ChangePasswordAddress(tickets.Issue(accountId), returnUrl));
        }

        Problems.SetRetryAfter(HttpContext, result);
        Failure = FailureView.From(result);
        return Page();
    }

    /// <summary>
    /// Where a success goes: the home page's enrolment notice when the policy requires a second factor the person
    /// lacks (within grace), the browser notice, or the return address. A notice keeps the return address, so a
    /// portal's sign-in (an authorization request) continues from it (docs/oidc-provider.md "Detours").
    /// </summary>
    internal static string TargetAfter(Core.SignIn.SignInResult result, string? returnUrl)
    {
        var target = LocalUrls.IsLocal(returnUrl) ? returnUrl! : "/";
        if (result.EnrolSecondFactorBy is not null)
        {
            return WithReturn("/?notice=mfa", returnUrl);
        }

        return result.Reason.Code == ReasonCodes.SignedInBrowserWarning ? WithReturn("/?notice=browser", returnUrl) : target;
    }

    /// <summary>The change that is due (password expired, reset required), carrying the return address through it.</summary>
    internal static string ChangePasswordAddress(string ticket, string? returnUrl) =>
        WithReturn($"/account/change-password?ticket={Uri.EscapeDataString(ticket)}", returnUrl);

    /// <summary><paramref name="address"/> with <c>returnUrl</c> added when it is local and somewhere other than home; anything else is dropped.</summary>
    internal static string WithReturn(string address, string? returnUrl) =>
        LocalUrls.IsLocal(returnUrl) && returnUrl != "/" ? $"{address}&returnUrl={Uri.EscapeDataString(returnUrl!)}" : address;

    private async Task<bool> LoadOrganizationAsync(string? slug, CancellationToken cancellationToken)
    {
        if (slug is null)
        {
            return true;
        }

        Organization = AccountRules.IsValidSlug(slug) ? await organizations.FindBySlugAsync(slug, cancellationToken) : null;
        // A disabled connection is kept for its settings but offered to no one.
        Sso = Organization is null ? null : await ssoConnections.FindAsync(Organization.Slug, cancellationToken) is { Enabled: true } sso ? sso : null;
        return Organization is not null;
    }
}
