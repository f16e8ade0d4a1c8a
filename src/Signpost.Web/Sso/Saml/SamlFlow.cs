using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn;
using Signpost.Core.SingleSignOn.Saml;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Sso.Saml;

/// <summary>
/// SP-initiated Web SSO for a SAML connection (SAML Profiles §4.1): the AuthnRequest out by HTTP-Redirect, the
/// Response back by HTTP-POST to the practice's assertion consumer service, checked by
/// <see cref="SamlResponseValidator"/>, the assertion ID recorded in the shared replay cache, then the same linking
/// rules, gate and session as an OpenID Connect sign-in (<see cref="SsoSignIn"/>). docs/saml.md.
/// </summary>
public sealed class SamlFlow(SsoSignIn signIn, ISamlReplayCache replay, SamlEncryptionKey encryption, IDataProtectionProvider protection, IOptions<SignpostOptions> options, TimeProvider time)
{
    public const string CookieName = "signpost.saml";
    public const string PathPrefix = "/sso/saml/";
    private const string Purpose = "Signpost.Sso.Saml.Request";

    /// <summary>How long a started sign-in waits for the provider's answer.</summary>
    public static readonly TimeSpan RequestLifetime = TimeSpan.FromMinutes(10);

    private ITimeLimitedDataProtector Protector => protection.CreateProtector(Purpose).ToTimeLimitedDataProtector();

    /// <summary>Signpost's entity ID for the practice; also where its metadata is served.</summary>
    public string EntityIdFor(string slug) => $"{options.Value.PublicBaseUrl.TrimEnd('/')}{PathPrefix}{slug}";

    /// <summary>The practice's assertion consumer service.</summary>
    public string AcsFor(string slug) => EntityIdFor(slug) + "/acs";

    /// <summary>Sends the browser to the provider with a fresh AuthnRequest; its ID is kept in a protected cookie for the answer.</summary>
    public IResult Challenge(HttpContext context, SsoConnection connection, string? returnUrl)
    {
        var slug = connection.Organization!.Slug;
        var id = SamlAuthnRequest.NewId();
        var state = JsonSerializer.Serialize(new PendingRequest(id, slug, LocalUrls.OrHome(returnUrl)));
        context.Response.Cookies.Append(CookieName, Protector.Protect(state, RequestLifetime), new CookieOptions
        {
            HttpOnly = true,
            // The answer is a cross-site POST from the provider: only a SameSite=None cookie comes with it, and
            // browsers take SameSite=None only when Secure. Over plain HTTP (development) Lax is the best left.
            Secure = context.Request.IsHttps,
            SameSite = context.Request.IsHttps ? SameSiteMode.None : SameSiteMode.Lax,
            Path = PathPrefix + slug,
            MaxAge = RequestLifetime,
        });
        return Results.Redirect(SamlAuthnRequest.RedirectUrl(connection.Saml!.SsoUrl, id, EntityIdFor(slug), AcsFor(slug), time.GetUtcNow()));
    }

    /// <summary>The assertion consumer service: every outcome is a redirect, to the return URL or to the failure page with a trace ID.</summary>
    public async Task<string> ConsumeAsync(HttpContext context, SsoConnection connection, string? samlResponse, CancellationToken cancellationToken)
    {
        var slug = connection.Organization!.Slug;
        var pending = Pending(context, slug);
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = PathPrefix + slug, Secure = context.Request.IsHttps, SameSite = context.Request.IsHttps ? SameSiteMode.None : SameSiteMode.Lax });
        if (pending is null)
        {
            return await signIn.FailAsync(context, connection, new SsoFailure(ReasonCodes.SsoTokenInvalid,
                "InResponseTo: this browser holds no sign-in in progress for this practice (started in another browser, cookies blocked, older than 10 minutes, or unsolicited)"), null, null, cancellationToken);
        }

        var validation = SamlResponseValidator.ValidateEncoded(samlResponse, new SamlExpectations
        {
            ServiceProviderEntityId = EntityIdFor(slug),
            AssertionConsumerServiceUrl = AcsFor(slug),
            IdentityProviderEntityId = connection.Saml!.IdpEntityId,
            SigningCertificates = connection.Saml.Certificates(),
            RequestId = pending.Id,
            Now = time.GetUtcNow(),
            AllowSha1 = connection.Saml.AllowSha1,
            DecryptionCertificates = [await encryption.GetAsync(cancellationToken)],
            RequireEncryption = connection.Saml.RequireEncryption,
        });
        if (validation.Facts is not { } facts)
        {
            return await signIn.FailAsync(context, connection, new SsoFailure(validation.ReasonCode!, validation.Evidence), null, null, cancellationToken);
        }

        // Only after a valid signature: an anonymous post never makes the database work. An ID is kept past its
        // assertion's end by more than the validator's skew, so it cannot be forgotten while still acceptable.
        await replay.PurgeAsync(time.GetUtcNow() - TimeSpan.FromMinutes(10), cancellationToken);
        if (!await replay.TryUseAsync(connection.Id, facts.AssertionId, facts.ExpiresAt, cancellationToken))
        {
            return await signIn.FailAsync(context, connection, new SsoFailure(ReasonCodes.SsoTokenInvalid,
                $"replay: assertion {facts.AssertionId} was used before; an assertion signs in once"), facts.NameId, null, cancellationToken);
        }

        return await signIn.CompleteAsync(context, connection, Principal(connection, facts), null, pending.ReturnUrl, cancellationToken);
    }

    /// <summary>
    /// The assertion as the claims <see cref="SsoSignIn"/> reads: <c>sub</c> is the NameID; the connection's
    /// username, email and NPI names are attribute names (or <c>NameID</c>). A practice's SAML provider is the
    /// practice's own directory, so the email it signs counts as verified (docs/saml.md "linking").
    /// </summary>
    private static ClaimsPrincipal Principal(SsoConnection connection, SamlAssertionFacts facts)
    {
        var claims = new List<Claim> { new("sub", facts.NameId), new("email_verified", "true") };
        foreach (var name in new[] { connection.UsernameClaim, connection.EmailClaim, connection.NpiClaim, "name" }.Distinct(StringComparer.Ordinal))
        {
            if (facts.Value(name) is { Length: > 0 } value)
            {
                claims.Add(new Claim(name, value));
            }
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "saml"));
    }

    private PendingRequest? Pending(HttpContext context, string slug)
    {
        if (context.Request.Cookies[CookieName] is not { Length: > 0 and < 4096 } cookie)
        {
            return null;
        }

        try
        {
            var pending = JsonSerializer.Deserialize<PendingRequest>(Protector.Unprotect(cookie));
            return pending is not null && pending.Slug == slug ? pending : null;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or JsonException)
        {
            return null;
        }
    }

    private sealed record PendingRequest(string Id, string Slug, string ReturnUrl);
}
