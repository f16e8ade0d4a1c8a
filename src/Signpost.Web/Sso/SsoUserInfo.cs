using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn;

namespace Signpost.Web.Sso;

/// <summary>
/// The userinfo step of a sign-in (OpenID Connect Core §5.3): after the ID token passed every check, the claims
/// Signpost reads that the ID token does not carry are taken from the provider's userinfo endpoint, when the
/// provider publishes one and the connection does not turn it off. A provider that follows Core §5.4 puts the
/// <c>profile</c> and <c>email</c> scope claims there, not in the ID token of a code flow.
/// </summary>
/// <remarks>
/// Signpost makes this call itself rather than through the handler's <c>GetClaimsFromUserInfoEndpoint</c>: the
/// handler accepts a userinfo JWT without checking its signature, reports a <c>sub</c> mismatch only as a
/// generic protocol error, and maps a fixed set of claims. Here the answer must be a JSON object whose
/// <c>sub</c> is exactly the ID token's (Core §5.3.2, against a substituted response), or the sign-in is
/// refused with a reason code and nothing of it is used. Which claim is read from where is in docs/sso.md.
/// </remarks>
public sealed class SsoUserInfo(SsoBackchannel backchannel, IOptions<SsoOptions> settings)
{
    /// <summary>The authentication property that carries, to the sign-in's event, which claims came from userinfo.</summary>
    public const string ReadProperty = ".signpost.userinfo";

    /// <summary>Longest claim value taken from userinfo; anything longer is not a username, email, NPI or name.</summary>
    private const int MaxValueLength = 1000;

    /// <summary>Adds the userinfo claims to the validated principal, or fails the sign-in with the check that failed.</summary>
    public async Task ReadAsync(TokenValidatedContext context, SsoConnection connection)
    {
        if (!connection.UseUserInfo || context.Principal?.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        var configuration = context.Options.Configuration
            ?? (context.Options.ConfigurationManager is { } manager ? await manager.GetConfigurationAsync(context.HttpContext.RequestAborted) : null);
        var endpoint = configuration?.UserInfoEndpoint;
        var accessToken = context.TokenEndpointResponse?.AccessToken;
        if (string.IsNullOrEmpty(endpoint) || string.IsNullOrEmpty(accessToken))
        {
            // The provider publishes no userinfo endpoint (or issued no access token for it): the ID token is all there is.
            context.Properties!.Items[ReadProperty] = "none published";
            return;
        }

        var subject = identity.FindFirst("sub")?.Value;
        using var document = await FetchAsync(endpoint, accessToken, context.HttpContext.RequestAborted);
        var root = document.RootElement;
        var said = root.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null;
        if (said is null)
        {
            throw new SsoCheckException(ReasonCodes.SsoTokenInvalid,
                "userinfo: the provider's userinfo response has no sub, so it cannot be tied to the ID token's user (OpenID Connect Core §5.3.2); none of its claims were used.");
        }

        if (!string.Equals(said, subject, StringComparison.Ordinal))
        {
            throw new SsoCheckException(ReasonCodes.SsoTokenInvalid,
                $"userinfo: the userinfo response is about subject '{Cut(said, 100)}', not the ID token's '{Cut(subject ?? "", 100)}' (OpenID Connect Core §5.3.2: a substituted or mixed-up response); none of its claims were used.");
        }

        var taken = new List<string>();
        // The email and whether the provider verified it always come from the same response: an unverified email
        // in the ID token must not borrow email_verified from userinfo, nor the other way round.
        if (identity.FindFirst(connection.EmailClaim) is null && Value(root, connection.EmailClaim) is { } email)
        {
            foreach (var stale in identity.FindAll("email_verified").ToList())
            {
                identity.RemoveClaim(stale);
            }

            Add(identity, connection, connection.EmailClaim, email, taken);
            if (Value(root, "email_verified") is { } verified)
            {
                Add(identity, connection, "email_verified", verified, taken);
            }
        }

        foreach (var type in new[] { connection.UsernameClaim, connection.NpiClaim, "name" }.Distinct(StringComparer.Ordinal))
        {
            if (identity.FindFirst(type) is null && Value(root, type) is { } value)
            {
                Add(identity, connection, type, value, taken);
            }
        }

        context.Properties!.Items[ReadProperty] = taken.Count == 0 ? "read, nothing new" : string.Join(", ", taken);
    }

    private async Task<JsonDocument> FetchAsync(string endpoint, string accessToken, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var address))
        {
            throw new SsoCheckException(ReasonCodes.SsoProviderMisconfigured, $"userinfo: the provider's userinfo_endpoint '{Cut(endpoint, 200)}' is not an absolute URL.");
        }

        if (ProviderAddresses.Refusal(address, settings.Value) is { } refused)
        {
            throw new SsoCheckException(ReasonCodes.SsoProviderMisconfigured, "address: userinfo endpoint " + refused);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        string text;
        string? mediaType;
        try
        {
            using var response = await backchannel.Client.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is >= 500)
            {
                throw new SsoCheckException(ReasonCodes.SsoProviderUnreachable, $"userinfo: the provider's userinfo endpoint answered HTTP {status}.");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new SsoCheckException(ReasonCodes.SsoProviderMisconfigured,
                    $"userinfo: the provider's userinfo endpoint answered HTTP {status} to the access token it had just issued. If this provider's access tokens are not meant for its userinfo endpoint, turn userinfo off for the connection (docs/sso.md).");
            }

            mediaType = response.Content.Headers.ContentType?.MediaType;
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SsoCheckException(ReasonCodes.SsoProviderUnreachable, "userinfo: the provider's userinfo endpoint did not answer in time.");
        }
        catch (HttpRequestException ex) when (ex.InnerException is ProviderAddressRefusedException refusedAddress)
        {
            throw new SsoCheckException(ReasonCodes.SsoProviderMisconfigured, "address: " + refusedAddress.Message);
        }
        catch (HttpRequestException ex) when (ex.Message.Contains("maximum buffer size", StringComparison.OrdinalIgnoreCase))
        {
            throw new SsoCheckException(ReasonCodes.SsoProviderMisconfigured, "size: the provider's userinfo response is larger than Signpost reads.");
        }
        catch (HttpRequestException ex)
        {
            throw new SsoCheckException(ReasonCodes.SsoProviderUnreachable, "userinfo: the provider's userinfo endpoint could not be reached (" + Cut(ex.Message, 200) + ").");
        }

        if (!string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            // A signed or encrypted userinfo JWT (Core §5.3.2) is not read: plain JSON over the provider's TLS is.
            throw new SsoCheckException(ReasonCodes.SsoProviderMisconfigured,
                $"userinfo: the provider answered userinfo as '{Cut(mediaType ?? "(no type)", 64)}'; Signpost reads application/json only. Set the client's userinfo response to unsigned JSON at the provider, or turn userinfo off for the connection.");
        }

        try
        {
            var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
        }

        throw new SsoCheckException(ReasonCodes.SsoProviderMisconfigured, "userinfo: the provider's userinfo response is not a JSON object.");
    }

    /// <summary>A claim's value as text: strings as they are, booleans as true/false, numbers as written; nothing else.</summary>
    private static string? Value(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return text is { Length: > 0 and <= MaxValueLength } ? text : null;
    }

    private static void Add(ClaimsIdentity identity, SsoConnection connection, string type, string value, List<string> taken)
    {
        identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, connection.ExpectedIssuer));
        taken.Add(type);
    }

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}
