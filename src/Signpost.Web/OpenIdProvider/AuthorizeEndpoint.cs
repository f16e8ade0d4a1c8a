using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.Sessions;
using Signpost.Web.Infrastructure;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Signpost.Web.OpenIdProvider;

/// <summary>
/// The authorization endpoint, reached once OpenIddict has checked the client, its redirect URI and PKCE.
/// Signpost's own sign-in pages are the login screen: without a suitable session the person goes to the
/// practice's sign-in page (<c>org</c>) or the generic one, and comes back here once signed in; every failure on
/// the way is explained on those pages with its trace ID. Only terminal outcomes go back to the portal as OAuth
/// errors (docs/oidc-provider.md "Signing in").
/// </summary>
public sealed class AuthorizeEndpoint(
    IOpenIddictApplicationManager applications,
    IOrganizationStore organizations,
    IAccountStore accounts,
    ISessionStore sessions,
    SessionManager sessionManager,
    OpenIdClaims claims,
    TimeProvider time)
{
    /// <summary>The practice the portal asks the person to sign in at, by its slug (a Signpost extension parameter).</summary>
    public const string OrgParameter = "org";

    /// <summary>
    /// Added to the address the person returns to after a forced sign-in (<c>prompt=login</c>, <c>max_age</c>, a
    /// session not admitted for the practice): a session started after it is a fresh one, so the request is not sent
    /// to sign in a second time. A client that sets it itself only weakens its own <c>prompt=login</c>.
    /// </summary>
    public const string LoginAfterParameter = "signpost_login_after";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenID Connect request is missing.");
        var client = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken) ?? throw new InvalidOperationException("OpenIddict validated a client it cannot find.");
        var allowed = ClientSettings.Practices(await applications.GetPropertiesAsync(client, cancellationToken));

        // 1. The practice: the one the portal names, else the client's only one, else whichever the person signs in at.
        Organization? practice = null;
        if (request[OrgParameter]?.ToString() is { Length: > 0 } slug)
        {
            practice = AccountRules.IsValidSlug(slug) ? await organizations.FindBySlugAsync(slug, cancellationToken) : null;
            if (practice is null || !ClientSettings.Allows(allowed, practice.Slug))
            {
                return Refuse(context, Errors.AccessDenied, "The application is not allowed for this practice.",
                    new RefusalEvents.Refusal(ReasonCodes.OidcPracticeNotAllowed, null, practice,
                        $"(client '{request.ClientId}' asked for practice '{Cut(slug)}'; allowed: {string.Join(", ", allowed)})"));
            }
        }
        else if (!ClientSettings.AllowsAll(allowed) && allowed.Count == 1)
        {
            practice = await organizations.FindBySlugAsync(allowed[0], cancellationToken);
        }

        // 2. The session, and whether it will do.
        var (session, account) = await CurrentAsync(context, cancellationToken);
        var now = time.GetUtcNow();
        var loginAfter = long.TryParse(request[LoginAfterParameter]?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var after)
            ? DateTimeOffset.FromUnixTimeSeconds(Math.Min(after, now.ToUnixTimeSeconds())) : (DateTimeOffset?)null;
        var freshEnough = session is not null && (loginAfter is null || session.CreatedAt >= loginAfter);
        var why = session is null || account is null ? "no live Signpost session"
            : request.HasPromptValue(PromptValues.Login) && loginAfter is null ? "prompt=login"
            : !freshEnough ? "the sign-in asked for has not happened yet"
            // A sign-in made after the request (the loginAfter stamp) answers max_age, however small (max_age=0).
            : loginAfter is null && request.MaxAge is { } maxAge && now - session.CreatedAt > TimeSpan.FromSeconds(maxAge) ? $"the session is older than max_age={maxAge}"
            : practice is not null && !session.IsAdmittedFor(practice.Id) ? $"the session was not admitted for practice '{practice.Slug}'"
            : request.LoginHint is { Length: > 0 } hint && !Names(account, hint) ? "login_hint names someone else"
            : null;

        if (why is not null)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                var error = session is null ? Errors.LoginRequired : Errors.InteractionRequired;
                return Refuse(context, error, "The person must sign in at Signpost first.",
                    new RefusalEvents.Refusal(ReasonCodes.OidcLoginRequired, account, practice, $"(prompt=none: {why})"));
            }

            if (loginAfter is not null && freshEnough && practice is not null && !session!.IsAdmittedFor(practice.Id))
            {
                // Signed in just now and still not admitted there (a practice whose rules did not admit this sign-in):
                // sending them back to sign in would loop.
                return Refuse(context, Errors.AccessDenied, "The sign-in was not admitted for the practice.",
                    new RefusalEvents.Refusal(ReasonCodes.OidcPracticeNotAllowed, account, practice, $"(a fresh session is not admitted for '{practice.Slug}')"));
            }

            return Results.Redirect(SignInAddress(context, request, practice, now));
        }

        // 3. What the person may bring to this portal: practices the session was admitted for, the client may serve,
        //    and where they hold an active membership.
        var granted = account!.Memberships
            .Where(m => m.GivesAccess && m.Organization is not null && session!.IsAdmittedFor(m.OrganizationId)
                && ClientSettings.Allows(allowed, m.Organization.Slug) && (practice is null || m.OrganizationId == practice.Id))
            .Select(m => new GrantedPractice(m.OrganizationId, m.Organization!.Slug, m.Organization.Name, m.Roles))
            .ToList();
        if (granted.Count == 0)
        {
            return Refuse(context, Errors.AccessDenied, "The person has no practice this application may serve.",
                new RefusalEvents.Refusal(ReasonCodes.OidcPracticeNotAllowed, account, practice,
                    $"(client '{request.ClientId}' allows {string.Join(", ", allowed)}; the session was admitted for none of them with an active membership)"));
        }

        var principal = await claims.BuildAsync(account, session!, granted, request.GetScopes(), cancellationToken);
        return Results.SignIn(principal, properties: null, OpenIdEndpoints.Scheme);
    }

    /// <summary>RP-initiated logout: OpenIddict has checked <c>id_token_hint</c> and <c>post_logout_redirect_uri</c>; the Signpost session ends.</summary>
    public async Task<IResult> EndSessionAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var (session, _) = await CurrentAsync(context, cancellationToken);
        if (session is not null)
        {
            await sessionManager.EndAsync(session.Id, "signed out from a portal (end_session)", cancellationToken);
        }

        context.Response.Cookies.Delete(SessionAuthentication.CookieName);

        // To the portal's registered address when it named one (OpenIddict checked it against the client the
        // id_token_hint was issued to), else to Signpost's own "signed out" page.
        return context.GetOpenIddictServerRequest()?.PostLogoutRedirectUri is null
            ? Results.Redirect("/sign-in?signedOut=true")
            : Results.SignOut(properties: null, [OpenIdEndpoints.Scheme]);
    }

    private async Task<(Session? Session, Account? Account)> CurrentAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var result = await context.AuthenticateAsync(SessionAuthentication.SchemeName);
        if (!result.Succeeded || result.Principal.FindFirstValue(SessionAuthentication.SessionIdClaim) is not { } sessionId
            || !Guid.TryParse(result.Principal.FindFirstValue(ClaimTypes.NameIdentifier), out var accountId))
        {
            return (null, null);
        }

        var session = await sessions.FindAsync(sessionId, cancellationToken);
        var account = await accounts.FindByIdAsync(accountId, cancellationToken);
        return session is null || account is null ? (null, null) : (session, account);
    }

    private static bool Names(Account account, string hint) =>
        string.Equals(hint, account.Username, StringComparison.OrdinalIgnoreCase)
        || string.Equals(hint, account.Email, StringComparison.OrdinalIgnoreCase)
        || (account.Npi is not null && hint == account.Npi);

    /// <summary>The practice's (or the generic) sign-in page, returning here without <c>prompt</c> and with the time the sign-in must follow.</summary>
    private static string SignInAddress(HttpContext context, OpenIddictRequest request, Organization? practice, DateTimeOffset now)
    {
        var parameters = context.Request.HasFormContentType ? context.Request.Form.AsEnumerable() : context.Request.Query.AsEnumerable();
        var kept = parameters.Where(p => p.Key is not Parameters.Prompt and not LoginAfterParameter)
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .Append(new(LoginAfterParameter, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        var returnUrl = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/" + OpenIdEndpoints.Authorize, kept);
        var page = practice is null ? "/sign-in" : $"/o/{practice.Slug}";
        var query = $"?returnUrl={Uri.EscapeDataString(returnUrl)}";
        if (request.LoginHint is { Length: > 0 and <= AccountRules.MaxIdentifierLength } hint)
        {
            query += $"&login_hint={Uri.EscapeDataString(hint)}";
        }

        return page + query;
    }

    private static IResult Refuse(HttpContext context, string error, string description, RefusalEvents.Refusal refusal)
    {
        RefusalEvents.Note(context, refusal);
        return Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIdEndpoints.Scheme]);
    }

    private static string Cut(string value) => value.Length > 64 ? value[..64] + "…" : value;
}
