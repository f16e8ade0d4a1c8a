using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Sessions;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// Authentication from the server-side session: the cookie carries only a random token; the session
/// record decides (idle and absolute timeouts, revocation), so sign-out on any node is honoured at once.
/// </summary>
public sealed class SessionAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionCache cache,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "SignpostSession";
    public const string CookieName = "sp_session";
    public const string SessionIdClaim = "sid";

    private static readonly PlatformRoles[] Roles = [.. Enum.GetValues<PlatformRoles>().Where(r => r != PlatformRoles.None)];

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        // From the node's session cache while its copy is fresh (docs/security.md, "How soon an ended session stops working").
        // The session manager and the account store, and the database context behind them, are built only when the
        // copy will not do: every request authenticates, and a request without a cookie or with a fresh copy has no
        // use for them (docs/capacity.md, "A signed-in page").
        var signedIn = SessionManager.FromCache(cache, token, time.GetUtcNow())
            ?? await Context.RequestServices.GetRequiredService<SessionManager>()
                .AuthenticateAsync(token, Context.RequestServices.GetRequiredService<IAccountStore>(), Context.RequestAborted);
        if (signedIn is null)
        {
            return AuthenticateResult.Fail("The session has ended.");
        }

        var (session, account) = (signedIn.Session, signedIn.Account);
        if (account.Status != AccountStatus.Active)
        {
            return AuthenticateResult.Fail("The account is no longer active.");
        }

        // The page and the banner of this request take it from here rather than reading it again.
        SignedInAccount.Remember(Context, account);
        SessionFormToken.Remember(Context, signedIn);

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, account.Id.ToString()),
            new(ClaimTypes.Name, account.Username),
            new("display_name", account.DisplayName),
            new(SessionIdClaim, session.Id),
        };
        claims.AddRange(session.AdmittedFor.Select(id => new Claim(SessionClaims.AdmittedPracticeClaim, id.ToString())));
        foreach (var role in Roles)
        {
            if (account.PlatformRoles.HasFlag(role))
            {
                claims.Add(new Claim(ClaimTypes.Role, role.ToString()));
            }
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Request.Path.StartsWithSegments("/api"))
        {
            return Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "unauthorized", "Sign-in required",
                "This operation needs a signed-in session.");
        }

        var returnUrl = Request.PathBase + Request.Path + Request.QueryString;
        Response.Redirect("/sign-in?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (Request.Path.StartsWithSegments("/api"))
        {
            return Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "forbidden", "Not allowed",
                "Your roles do not allow this operation.");
        }

        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
