using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Signpost.Core.Accounts;
using Signpost.Core.OpenIdProvider;
using Signpost.Core.Reasons;
using Signpost.Core.Sessions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Signpost.Web.OpenIdProvider;

/// <summary>
/// The token and userinfo endpoints, reached once OpenIddict has authenticated the client, redeemed the code
/// (checking PKCE) or the refresh token. A grant made for a person is honoured only while the Signpost session it
/// came from is alive and the account active: sign-out, a password reset or a disabled account ends the portal's
/// refreshes too (docs/oidc-provider.md "Tokens"). Each grant answered notes the client against the session, for
/// back-channel logout.
/// </summary>
public sealed class TokenEndpoint(
    IOpenIddictApplicationManager applications,
    IAccountStore accounts,
    ISessionStore sessions,
    ISessionClientStore sessionClients,
    TimeProvider time)
{
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenID Connect request is missing.");

        if (request.IsClientCredentialsGrantType())
        {
            // Only clients registered for it get here: OpenIddict checks the grant type permission first.
            var client = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken) ?? throw new InvalidOperationException("OpenIddict authenticated a client it cannot find.");
            var identity = new ClaimsIdentity(OpenIdEndpoints.Scheme, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, request.ClientId);
            identity.SetClaim(Claims.Name, await applications.GetDisplayNameAsync(client, cancellationToken));
            var machine = new ClaimsPrincipal(identity);
            machine.SetScopes(request.GetScopes());
            machine.SetDestinations(_ => [Destinations.AccessToken]);
            return Results.SignIn(machine, properties: null, OpenIdEndpoints.Scheme);
        }

        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
        {
            throw new InvalidOperationException($"OpenIddict passed a grant type it was not told to allow: {request.GrantType}.");
        }

        var principal = (await context.AuthenticateAsync(OpenIdEndpoints.Scheme)).Principal
            ?? throw new InvalidOperationException("OpenIddict redeemed a grant without a principal.");
        var (account, session, why) = await LiveAsync(principal, cancellationToken);
        if (why is not null)
        {
            RefusalEvents.Note(context, new RefusalEvents.Refusal(ReasonCodes.OidcGrantInvalid, account, null, $"({why})"));
            return Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The Signpost sign-in behind this grant has ended.",
            }), [OpenIdEndpoints.Scheme]);
        }

        if (request.IsRefreshTokenGrantType())
        {
            // The portal is in use: that is activity on the session, as a page view would be.
            await sessions.TouchAsync(session!.Id, time.GetUtcNow(), cancellationToken);
        }

        // This client now holds tokens of the session: when the session ends it is owed a back-channel logout
        // (docs/oidc-provider.md "Back-channel logout"). A client that never got this far is owed none.
        await sessionClients.RecordAsync(session!.Id, request.ClientId!, account!.Id, time.GetUtcNow(), cancellationToken);

        // Today's name, email, NPI and roles, in the practices of the original grant that still hold.
        OpenIdClaims.Refresh(principal, account!, Granted(account!, session!, principal));
        OpenIdClaims.PackArrays(principal);

        return Results.SignIn(principal, properties: null, OpenIdEndpoints.Scheme);
    }

    /// <summary>The userinfo endpoint (OpenID Connect Core §5.3): the claims of the access token's scopes, while the sign-in is alive.</summary>
    public async Task<IResult> UserInfoAsync(HttpContext context)
    {
        var principal = (await context.AuthenticateAsync(OpenIdEndpoints.Scheme)).Principal
            ?? throw new InvalidOperationException("OpenIddict validated an access token without a principal.");
        var (_, _, why) = await LiveAsync(principal, context.RequestAborted);
        if (why is not null)
        {
            RefusalEvents.Note(context, new RefusalEvents.Refusal(ReasonCodes.OidcGrantInvalid, null, null, $"({why})"));
            return Results.Challenge(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The Signpost sign-in behind this access token has ended.",
            }), [OpenIdEndpoints.Scheme]);
        }

        OpenIdClaims.PackArrays(principal);
        var answer = new Dictionary<string, object?>(StringComparer.Ordinal) { [Claims.Subject] = principal.GetClaim(Claims.Subject) };
        void Copy(string type)
        {
            if (principal.FindFirst(type) is { } claim)
            {
                answer[type] = claim.ValueType switch
                {
                    ClaimValueTypes.Boolean => bool.Parse(claim.Value),
                    "JSON" or "JSON_ARRAY" => System.Text.Json.JsonDocument.Parse(claim.Value).RootElement.Clone(),
                    _ => claim.Value,
                };
            }
        }

        if (principal.HasScope(Scopes.Profile))
        {
            Copy(Claims.Name);
            Copy(Claims.PreferredUsername);
        }

        if (principal.HasScope(Scopes.Email))
        {
            Copy(Claims.Email);
            Copy(Claims.EmailVerified);
        }

        if (principal.HasScope(OpenIdProviderServiceCollectionExtensions.NpiScope))
        {
            Copy(OpenIdClaims.NpiClaim);
        }

        if (principal.HasScope(OpenIdProviderServiceCollectionExtensions.PracticesScope))
        {
            Copy(OpenIdClaims.PracticesClaim);
        }

        return Results.Json(answer);
    }

    /// <summary>The account and session behind a person's grant; a sentence saying why it no longer counts, or null.</summary>
    private async Task<(Account? Account, Session? Session, string? Why)> LiveAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(principal.GetClaim(Claims.Subject), out var accountId))
        {
            return (null, null, null); // a client's own token (client credentials): no person behind it
        }

        var account = await accounts.FindByIdAsync(accountId, cancellationToken);
        if (account is null || account.Status != AccountStatus.Active)
        {
            return (account, null, "the account is no longer active");
        }

        var sessionId = principal.GetClaim(OpenIdClaims.SessionClaim);
        var session = sessionId is null ? null : await sessions.FindAsync(sessionId, cancellationToken);
        if (session is null)
        {
            return (account, null, "the Signpost session is gone");
        }

        if (session.EndReason(time.GetUtcNow()) is { } ended)
        {
            return (account, session, $"the Signpost session has ended: {ended}");
        }

        return (account, session, null);
    }

    /// <summary>The practices of the original grant that still hold: the membership is active, with today's roles.</summary>
    private static List<GrantedPractice> Granted(Account account, Session session, ClaimsPrincipal principal)
    {
        var before = OpenIdClaims.PracticeIds(principal);
        return account.Memberships
            .Where(m => m.GivesAccess && m.Organization is not null && session.IsAdmittedFor(m.OrganizationId) && before.Contains(m.OrganizationId))
            .Select(m => new GrantedPractice(m.OrganizationId, m.Organization!.Slug, m.Organization.Name, m.Roles))
            .ToList();
    }
}
