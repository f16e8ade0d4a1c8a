using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Signpost.Core.Incidents.Webhooks;

namespace Signpost.Web.OpenIdProvider;

/// <summary>
/// Mints the logout token of a back-channel logout (OpenID Connect Back-Channel Logout 1.0 §2.4): a JWT of type
/// <c>logout+jwt</c> signed with the provider's current signing key — the one OpenIddict signs ID tokens with, so
/// it verifies against the published JWKS — carrying <c>iss</c>, <c>aud</c> (the client), <c>iat</c>, <c>exp</c>,
/// <c>jti</c>, <c>sub</c>, <c>sid</c> and the <c>events</c> claim, and never a <c>nonce</c> (§2.4 forbids one, so a
/// logout token cannot pass for an ID token). Made afresh at each delivery attempt with the delivery's ID as
/// <c>jti</c>: every retry is the same logout to the receiver, with a current <c>iat</c> it will not refuse as stale.
/// </summary>
public sealed class LogoutTokens(IOptionsMonitor<OpenIddictServerOptions> server, TimeProvider time)
{
    public const string TokenType = "logout+jwt";
    public const string EventsClaim = "events";
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    /// <summary>How long a logout token is good for; a receiver checks it at once.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    /// <summary>The claims fixed when the logout was queued: the person and the session (<see cref="WebhookDelivery.Payload"/>).</summary>
    public sealed record Subject(string Sub, string Sid);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Payload(Guid accountId, string sessionId) =>
        JsonSerializer.Serialize(new Subject(accountId.ToString(), OpenIdClaims.SessionIdFor(sessionId)), Json);

    /// <summary>The signed logout token for one attempt of <paramref name="delivery"/>.</summary>
    public string Create(WebhookDelivery delivery)
    {
        var subject = JsonSerializer.Deserialize<Subject>(delivery.Payload, Json) ?? throw new InvalidOperationException("A back-channel logout without its claims.");
        var options = server.CurrentValue;
        var signing = options.SigningCredentials.FirstOrDefault(c => c.Key is AsymmetricSecurityKey)
            ?? throw new InvalidOperationException("The provider has no signing key.");
        var now = time.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            TokenType = TokenType,
            Issuer = options.Issuer!.AbsoluteUri,
            Audience = delivery.ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            SigningCredentials = signing,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Jti] = delivery.Id.ToString("N"),
                [JwtRegisteredClaimNames.Sub] = subject.Sub,
                ["sid"] = subject.Sid,
                [EventsClaim] = new Dictionary<string, object> { [BackChannelLogoutEvent] = new Dictionary<string, object>() },
            },
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
