using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Events;
using Signpost.Core.Mfa;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;
using Signpost.Web.Infrastructure;
using Signpost.Web.Mfa;

namespace Signpost.Web.Pages;

/// <summary>
/// The second step of a sign-in (docs/mfa.md): the code from an authenticator app or a recovery code, for the
/// challenge the password step left in this browser's <see cref="SecondFactorChallengeTokens.CookieName"/>
/// cookie. Anti-forgery is checked by <see cref="FormGuard"/>, as on the sign-in page, so a stale page gets a
/// reason and an event.
/// </summary>
[IgnoreAntiforgeryToken]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimiting.SignInPolicy)]
public sealed class SignInVerifyModel(
    PasswordSignIn pipeline,
    FormGuard guard,
    PasswordChangeTickets tickets,
    SecondFactorChallengeTokens challenges,
    ISecondFactorStore secondFactors,
    PasskeyCeremonies ceremonies) : PageModel
{
    /// <summary>The person has a passkey: the page offers it beside the code (docs/mfa.md, "Passkeys").</summary>
    public bool HasPasskeys { get; private set; }

    public FailureView? Failure { get; private set; }
    public string FormStamp { get; private set; } = "";

    /// <summary>No challenge, or it expired: the page says to sign in again.</summary>
    public bool Expired { get; private set; }

    /// <summary>Days "remember this browser" lasts for this person; 0 hides the choice.</summary>
    public int RememberDays { get; private set; }

    /// <summary>How far the authenticator's clock is off, in words, after a code refused as skewed.</summary>
    public string? Skew { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var challenge = challenges.Read(Request.Cookies[SecondFactorChallengeTokens.CookieName]);
        Expired = challenge is null;
        RememberDays = challenge?.RememberDays ?? 0;
        FormStamp = guard.IssueStamp();
        await LoadPasskeysAsync(challenge, cancellationToken);
        return Page();
    }

    /// <summary>
    /// The request for one of the challenged account's passkeys. Only the challenge's holder gets it: the token
    /// is issued after the password was proven, so listing the account's credential IDs tells its owner.
    /// </summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync(CancellationToken cancellationToken)
    {
        var challenge = challenges.Read(Request.Cookies[SecondFactorChallengeTokens.CookieName]);
        if (challenge is null)
        {
            return BadRequest(new { error = "The verification step has expired. Sign in again." });
        }

        var passkeys = await secondFactors.ListPasskeysAsync(challenge.AccountId, cancellationToken);
        var (options, state) = ceremonies.AssertionOptions(PasskeyPurposes.Verify(challenge.TraceId), passkeys);
        return SignInPasskeyModel.OptionsResult(options, state);
    }

    /// <summary>A passkey as the answer to the challenge; refused ones count toward the second factor's lock like wrong codes.</summary>
    public async Task<IActionResult> OnPostPasskeyAsync(string? returnUrl, CancellationToken cancellationToken)
    {
        FormStamp = guard.IssueStamp();
        var challenge = challenges.Read(Request.Cookies[SecondFactorChallengeTokens.CookieName]);
        RememberDays = challenge?.RememberDays ?? 0;
        await LoadPasskeysAsync(challenge, cancellationToken);
        var method = challenge?.Method ?? SignInMethod.Password;
        var form = await ReadFormAsync(cancellationToken);
        if (form is null)
        {
            var unreadable = await EdgeRejections.RecordAsync(HttpContext, ReasonCodes.InvalidRequest, null, method,
                "The passkey form could not be read.", problems: ["The form could not be read. Reload the page and try again."]);
            Failure = FailureView.From(unreadable);
            return Page();
        }

        if (await guard.CheckAsync(HttpContext) is { } why)
        {
            var edge = await EdgeRejections.RecordAsync(HttpContext, why.Code, null, method, why.Detail,
                cookiesWorking: why.Code != ReasonCodes.CookiesDisabled, javaScriptWorking: form[FormGuard.JavaScriptField].ToString() == "1");
            Failure = FailureView.From(edge);
            return Page();
        }

        var request = new PasswordSignInRequest(null, null, challenge?.OrganizationSlug, method,
            HttpContext.GetTraceId(), ClientFactsReader.Read(HttpContext, cookiesWorking: true, javaScriptWorking: form[FormGuard.JavaScriptField].ToString() == "1"));
        var assertion = challenge is null
            ? null
            : ceremonies.ReadAnswer(PasskeyPurposes.Verify(challenge.TraceId), form["state"].ToString(), form["response"].ToString(), form["error"].ToString());
        if (challenge is not null && assertion is null)
        {
            // Options this challenge was not given (forged, for another attempt, expired): not an answer, so not counted.
            var stale = await EdgeRejections.RecordAsync(HttpContext, ReasonCodes.InvalidRequest, null, method,
                $"The passkey answer for attempt {challenge.TraceId} carried no options Signpost issued for it (missing, forged or expired).",
                cookiesWorking: true, problems: ["The passkey request expired. Use your passkey again."]);
            Failure = FailureView.From(stale);
            return Page();
        }

        var remember = form["remember"].ToString() is "on" or "true" or "1";
        var result = await pipeline.CompleteSecondFactorAsync(challenge, request, remember, cancellationToken, assertion);
        return await FinishAsync(challenge, result, returnUrl, cancellationToken);
    }

    private async Task LoadPasskeysAsync(SecondFactorChallenge? challenge, CancellationToken cancellationToken) =>
        HasPasskeys = challenge is not null && (await secondFactors.ListPasskeysAsync(challenge.AccountId, cancellationToken)).Count > 0;

    private async Task<IFormCollection?> ReadFormAsync(CancellationToken cancellationToken)
    {
        try
        {
            return Request.HasFormContentType ? await Request.ReadFormAsync(cancellationToken) : null;
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            return null;
        }
    }

    public async Task<IActionResult> OnPostAsync(string? returnUrl, CancellationToken cancellationToken)
    {
        FormStamp = guard.IssueStamp();
        var challenge = challenges.Read(Request.Cookies[SecondFactorChallengeTokens.CookieName]);
        RememberDays = challenge?.RememberDays ?? 0;
        var method = challenge?.Method ?? SignInMethod.Password;
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
            var unreadable = await EdgeRejections.RecordAsync(HttpContext, ReasonCodes.InvalidRequest, null, method,
                "The verification form could not be read.", problems: ["The form could not be read. Reload the page and try again."]);
            Failure = FailureView.From(unreadable);
            return Page();
        }

        if (await guard.CheckAsync(HttpContext) is { } why)
        {
            var edge = await EdgeRejections.RecordAsync(HttpContext, why.Code, null, method, why.Detail,
                cookiesWorking: why.Code != ReasonCodes.CookiesDisabled, javaScriptWorking: form[FormGuard.JavaScriptField].ToString() == "1");
            Failure = FailureView.From(edge);
            return Page();
        }

        var request = new PasswordSignInRequest(null, form["code"].ToString(), challenge?.OrganizationSlug, method,
            HttpContext.GetTraceId(), ClientFactsReader.Read(HttpContext, cookiesWorking: true, javaScriptWorking: form[FormGuard.JavaScriptField].ToString() == "1"));
        var remember = form["remember"].ToString() is "on" or "true" or "1";
        var result = await pipeline.CompleteSecondFactorAsync(challenge, request, remember, cancellationToken);
        await LoadPasskeysAsync(challenge, cancellationToken);
        return await FinishAsync(challenge, result, returnUrl, cancellationToken);
    }

    private async Task<IActionResult> FinishAsync(SecondFactorChallenge? challenge, Core.SignIn.SignInResult result, string? returnUrl, CancellationToken cancellationToken)
    {
        if (result.Succeeded || result.PasswordChangeAccountId is not null)
        {
            ClientFactsReader.WriteShortLivedCookie(HttpContext, SecondFactorChallengeTokens.CookieName, null, TimeSpan.Zero);
        }

        if (result.Succeeded)
        {
            ClientFactsReader.WriteSignInCookies(HttpContext, result);
            return await OpenIdProvider.AuthorizeHandoff.RedirectAsync(HttpContext, SignInModel.TargetAfter(result, returnUrl), cancellationToken);
        }

        if (result.PasswordChangeAccountId is { } accountId)
        {
            return Redirect(SignInModel.ChangePasswordAddress(tickets.Issue(accountId), returnUrl));
        }

        Expired = challenge is null;
        Failure = FailureView.From(result);
        Skew = result.ClockSkewSeconds is { } seconds ? SkewSentence(seconds) : null;
        return Page();
    }

    /// <summary>"Your authenticator's clock is 4 minutes behind." — told only where <c>mfa_clock_skew</c> itself may be.</summary>
    public static string SkewSentence(int seconds) =>
        $"Your authenticator's clock is about {TotpCodes.DescribeSkew(seconds)} of the correct time.";
}
