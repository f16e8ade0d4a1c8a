using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Sessions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Signpost.Web.OpenIdProvider;

/// <summary>A practice the session was admitted for and the client may serve, with the person's roles there.</summary>
public sealed record GrantedPractice(Guid Id, string Slug, string Name, PracticeRoles Roles);

/// <summary>
/// The claims a portal receives about the person, and which scope unlocks which (docs/oidc-provider.md "Claims").
/// <c>sub</c> is the account's ID — stable, never the username, which a practice may change.
/// </summary>
public sealed class OpenIdClaims(ISignInEventStore events)
{
    public const string NpiClaim = "npi";
    public const string PracticesClaim = "practices";

    /// <summary>The Signpost session behind the tokens (its stored ID), in the codes, refresh and access tokens, all encrypted; never in an ID token.</summary>
    public const string SessionClaim = "signpost_session";

    /// <summary>One sign-in factor: a password or the practice's own single sign-on.</summary>
    public const string SingleFactorAcr = "urn:signpost:acr:single-factor";

    public static readonly string[] Supported =
    [
        Claims.Subject, Claims.Name, Claims.PreferredUsername, Claims.Email, Claims.EmailVerified, NpiClaim, PracticesClaim,
        Claims.AuthenticationMethodReference, Claims.AuthenticationContextReference, Claims.AuthenticationTime, "sid",
    ];

    /// <summary>The principal OpenIddict turns into the code (and from there the tokens) for a sign-in through <paramref name="session"/>.</summary>
    public async Task<ClaimsPrincipal> BuildAsync(Account account, Session session, IReadOnlyList<GrantedPractice> practices, IEnumerable<string> scopes, CancellationToken cancellationToken)
    {
        var identity = new ClaimsIdentity(OpenIdEndpoints.Scheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, account.Id.ToString());
        identity.SetClaim(SessionClaim, session.Id);
        identity.SetClaim("sid", SessionIdFor(session));
        identity.SetClaim(Claims.AuthenticationTime, session.CreatedAt.ToUnixTimeSeconds());
        identity.SetClaim(Claims.AuthenticationContextReference, SingleFactorAcr);
        // A JSON array even with one value, as RFC 8176 and OpenID Connect Core §2 have it.
        identity.AddClaim(new Claim(Claims.AuthenticationMethodReference, JsonSerializer.Serialize(await MethodsOfAsync(session, cancellationToken)), JsonClaimValueTypes.JsonArray));
        Describe(identity, account, practices);
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(scopes);
        principal.SetDestinations(DestinationsOf);
        return principal;
    }

    /// <summary>Refreshes the person's own claims (name, email, NPI) on a principal from an earlier grant: a refresh sees today's values.</summary>
    public static void Refresh(ClaimsPrincipal principal, Account account, IReadOnlyList<GrantedPractice> practices)
    {
        var identity = (ClaimsIdentity)principal.Identity!;
        foreach (var type in new[] { Claims.Name, Claims.PreferredUsername, Claims.Email, Claims.EmailVerified, NpiClaim, PracticesClaim })
        {
            identity.RemoveClaims(type);
        }

        Describe(identity, account, practices);
        principal.SetDestinations(DestinationsOf);
    }

    /// <summary>
    /// Packs the array claims back into one JSON array each. A principal read back from a code, refresh or access
    /// token holds one claim per element (an element may itself be an array or object); the tokens made from it
    /// must again carry arrays, whatever the number of elements (<c>amr</c>, <c>practices</c>).
    /// </summary>
    public static void PackArrays(ClaimsPrincipal principal)
    {
        var identity = (ClaimsIdentity)principal.Identity!;
        foreach (var type in new[] { Claims.AuthenticationMethodReference, PracticesClaim })
        {
            var elements = new List<JsonElement>();
            foreach (var claim in identity.FindAll(type).ToList())
            {
                if (claim.ValueType is JsonClaimValueTypes.JsonArray or JsonClaimValueTypes.Json)
                {
                    using var document = JsonDocument.Parse(claim.Value);
                    elements.AddRange(document.RootElement.ValueKind == JsonValueKind.Array
                        ? document.RootElement.EnumerateArray().Select(e => e.Clone())
                        : [document.RootElement.Clone()]);
                }
                else
                {
                    elements.Add(JsonSerializer.SerializeToElement(claim.Value));
                }

                identity.RemoveClaim(claim);
            }

            if (elements.Count > 0 || type == PracticesClaim && principal.HasScope(OpenIdProviderServiceCollectionExtensions.PracticesScope))
            {
                identity.AddClaim(new Claim(type, JsonSerializer.Serialize(elements), JsonClaimValueTypes.JsonArray));
            }
        }

        principal.SetDestinations(DestinationsOf);
    }

    /// <summary>The IDs of the practices a principal carries.</summary>
    public static HashSet<Guid> PracticeIds(ClaimsPrincipal principal)
    {
        PackArrays(principal);
        var ids = new HashSet<Guid>();
        if (principal.FindFirst(PracticesClaim) is { } claim)
        {
            using var document = JsonDocument.Parse(claim.Value);
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var id) && id.TryGetGuid(out var guid))
                {
                    ids.Add(guid);
                }
            }
        }

        return ids;
    }

    /// <summary>
    /// The <c>sid</c> a portal sees: derived from the session's stored ID, so it names the session for logout
    /// without handing out the value the session table is keyed by.
    /// </summary>
    public static string SessionIdFor(Session session) => SessionIdFor(session.Id);

    /// <summary>The <c>sid</c> of the session stored as <paramref name="sessionId"/> (also the logout token's: docs/oidc-provider.md).</summary>
    public static string SessionIdFor(string sessionId) =>
        Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes("signpost-sid:" + sessionId)))[..22];

    private static void Describe(ClaimsIdentity identity, Account account, IReadOnlyList<GrantedPractice> practices)
    {
        identity.SetClaim(Claims.Name, account.DisplayName);
        identity.SetClaim(Claims.PreferredUsername, account.Username);
        identity.SetClaim(Claims.Email, account.Email);
        // Signpost does not record that the address was proven (an administrator may type it), so it never says so.
        identity.SetClaim(Claims.EmailVerified, false);
        if (account.Npi is { Length: > 0 } npi)
        {
            identity.SetClaim(NpiClaim, npi);
        }

        // One JSON array of objects, so a portal reads the same shape for one practice as for several.
        var listed = practices.Select(p => new
        {
            id = p.Id,
            slug = p.Slug,
            name = p.Name,
            roles = Enum.GetValues<PracticeRoles>().Where(r => r != PracticeRoles.None && p.Roles.HasFlag(r)).Select(r => r.ToString()).ToArray(),
        });
        identity.AddClaim(new Claim(PracticesClaim, JsonSerializer.Serialize(listed), JsonClaimValueTypes.JsonArray));
    }

    /// <summary>
    /// How the session's sign-in was made (RFC 8176): <c>pwd</c>, <c>sso</c> for the practice's own provider, or
    /// <c>hwk</c> for a passkey without a password; a second factor adds <c>mfa</c>, and <c>hwk</c> when it was a
    /// passkey (docs/mfa.md, "Passkeys").
    /// </summary>
    private async Task<string[]> MethodsOfAsync(Session session, CancellationToken cancellationToken)
    {
        var started = session.TraceId is { } traceId ? await events.FindByTraceIdAsync(traceId, cancellationToken) : null;
        var first = started?.Method switch
        {
            SignInMethod.Sso => "sso",
            SignInMethod.Passkey => "hwk",
            _ => "pwd",
        };
        return started?.IdentifierKind switch
        {
            _ when started?.Method == SignInMethod.Passkey => [first],
            Core.SignIn.PasswordSignIn.PasskeyIdentifierKind => [first, "hwk", "mfa"],
            "challenge" => [first, "mfa"],
            _ => [first],
        };
    }

    /// <summary>Which token carries a claim, by the scopes granted (OpenID Connect Core §5.4).</summary>
    private static IEnumerable<string> DestinationsOf(Claim claim)
    {
        var principal = claim.Subject!;
        bool Has(string scope) => principal.HasScope(scope);
        return claim.Type switch
        {
            Claims.Subject => [Destinations.AccessToken, Destinations.IdentityToken],
            "sid" or Claims.AuthenticationTime or Claims.AuthenticationMethodReference or Claims.AuthenticationContextReference
                => [Destinations.AccessToken, Destinations.IdentityToken],
            Claims.Name or Claims.PreferredUsername when Has(Scopes.Profile) => [Destinations.AccessToken, Destinations.IdentityToken],
            Claims.Email or Claims.EmailVerified when Has(Scopes.Email) => [Destinations.AccessToken, Destinations.IdentityToken],
            NpiClaim when Has(OpenIdProviderServiceCollectionExtensions.NpiScope) => [Destinations.AccessToken, Destinations.IdentityToken],
            PracticesClaim when Has(OpenIdProviderServiceCollectionExtensions.PracticesScope) => [Destinations.AccessToken, Destinations.IdentityToken],
            // The Signpost session's own ID goes into the access token too (encrypted: only Signpost reads it), so
            // userinfo can tell the sign-in has ended; never into the ID token a portal reads.
            SessionClaim => [Destinations.AccessToken],
            _ => [],
        };
    }
}
