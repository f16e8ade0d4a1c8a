using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Signpost.Core.Reasons;

namespace Signpost.Web.Sso;

/// <summary>A check of Signpost's own that refused a callback, with the reason code and the evidence.</summary>
public sealed class SsoCheckException(string reasonCode, string evidence) : Exception(evidence)
{
    public string ReasonCode { get; } = reasonCode;
}

/// <summary>A classified failure: the reason code and the check that failed, in words support can read.</summary>
public sealed record SsoFailure(string ReasonCode, string Evidence);

/// <summary>
/// Turns whatever stopped a single sign-on (an exception of the OpenID Connect handler or of
/// Microsoft.IdentityModel, an error the provider returned) into one SSO reason code with evidence.
/// The order matters: the most specific cause found anywhere in the exception chain wins.
/// </summary>
public static partial class SsoFailures
{
    /// <summary>
    /// Classifies <paramref name="failure"/>. <paramref name="discovery"/> is the classified cause of the latest
    /// failed metadata fetch for the connection (<see cref="SsoDiscoveryFailures"/>): when the handler reports only
    /// that configuration could not be obtained, that cause is the answer, so that every request failing on the
    /// same provider state gets the same reason, whichever reached discovery first.
    /// </summary>
    public static SsoFailure Classify(Exception? failure, SsoFailure? discovery = null)
    {
        var chain = new List<Exception>();
        for (var e = failure; e is not null && chain.Count < 10; e = e.InnerException)
        {
            chain.Add(e);
            if (e is AggregateException { InnerExceptions.Count: > 0 } aggregate)
            {
                chain.AddRange(aggregate.InnerExceptions);
            }
        }

        foreach (var e in chain)
        {
            switch (e)
            {
                case SsoCheckException check:
                    return new(check.ReasonCode, check.Message);
                case ProviderAddressRefusedException refused:
                    return new(ReasonCodes.SsoProviderMisconfigured, "address: " + refused.Message);
                case SecurityTokenSignatureKeyNotFoundException:
                    return new(ReasonCodes.SsoSignatureInvalid, "kid: no signing key of the provider matches the token's key ID; Signpost fetched the provider's keys again (at most once every 5 minutes) and refused the token (rotated without publishing, or forged).");
                case SecurityTokenInvalidAlgorithmException:
                    return new(ReasonCodes.SsoSignatureInvalid, "alg: the token is signed with an algorithm Signpost does not accept (only RSA, RSA-PSS and ECDSA; never none or HMAC).");
                case SecurityTokenInvalidSignatureException:
                    return new(ReasonCodes.SsoSignatureInvalid, "signature: the token's signature does not verify with the provider's published keys (unsigned, alg none, or signed with another key).");
                case SecurityTokenInvalidSigningKeyException:
                    return new(ReasonCodes.SsoSignatureInvalid, "signing key: the key that signed the token is not valid (expired certificate?).");
                case SecurityTokenInvalidIssuerException:
                    return new(ReasonCodes.SsoTokenInvalid, "iss: the token's issuer is not the connection's issuer.");
                case SecurityTokenInvalidAudienceException:
                    return new(ReasonCodes.SsoTokenInvalid, "aud: the token was not issued to Signpost's client ID.");
                case SecurityTokenExpiredException:
                    return new(ReasonCodes.SsoTokenInvalid, "exp: the token has expired (check the provider's and this computer's clocks).");
                case SecurityTokenNotYetValidException:
                    return new(ReasonCodes.SsoTokenInvalid, "nbf: the token is not valid yet (clock skew between the provider and Signpost).");
                case SecurityTokenNoExpirationException:
                    return new(ReasonCodes.SsoTokenInvalid, "exp: the token carries no expiry.");
                case OpenIdConnectProtocolInvalidNonceException:
                    return new(ReasonCodes.SsoTokenInvalid, "nonce: the token's nonce is missing or is not the one this browser's sign-in sent (replayed or from another sign-in).");
                case OpenIdConnectProtocolInvalidAtHashException or OpenIdConnectProtocolInvalidCHashException:
                    return new(ReasonCodes.SsoTokenInvalid, "at_hash/c_hash: the token does not belong to the code or access token it came with.");
                case SecurityTokenMalformedException:
                    return new(ReasonCodes.SsoTokenInvalid, "id_token: the token is not a well-formed JWT.");
                case SecurityTokenValidationException validation:
                    return new(ReasonCodes.SsoTokenInvalid, "id_token: " + Cut(validation.Message));
            }
        }

        foreach (var e in chain)
        {
            if (e.Message.Contains("Correlation failed", StringComparison.Ordinal))
            {
                return new(ReasonCodes.SsoTokenInvalid, "state: this browser holds no sign-in in progress for this response (started in another browser, cookies blocked, expired, or replayed).");
            }

            if (e.Message.Contains("oauth state was missing or invalid", StringComparison.OrdinalIgnoreCase)
                || e.Message.Contains("message.State", StringComparison.Ordinal))
            {
                return new(ReasonCodes.SsoTokenInvalid, "state: the response's state is missing or was not issued by Signpost.");
            }

            if (ProviderError().Match(e.Message) is { Success: true } error)
            {
                return FromProviderError(error.Groups["code"].Value, null);
            }

            if (e.Message.Contains("maximum buffer size", StringComparison.OrdinalIgnoreCase))
            {
                return new(ReasonCodes.SsoProviderMisconfigured, "size: the provider's response is larger than Signpost reads.");
            }
        }

        foreach (var e in chain)
        {
            switch (e)
            {
                case TaskCanceledException or TimeoutException or OperationCanceledException:
                    return new(ReasonCodes.SsoProviderUnreachable, "timeout: the provider did not answer in time.");
                case HttpRequestException { StatusCode: { } status } when (int)status is 404 or 401 or 403 or 400:
                    return new(ReasonCodes.SsoProviderMisconfigured, $"discovery: the provider answered HTTP {(int)status} for its metadata (wrong discovery URL?).");
                case HttpRequestException { StatusCode: { } status }:
                    return new(ReasonCodes.SsoProviderUnreachable, $"http: the provider answered HTTP {(int)status}.");
                case HttpRequestException or SocketException or IOException:
                    return new(ReasonCodes.SsoProviderUnreachable, "connection: the provider could not be reached (" + Cut(e.Message) + ").");
                case JsonException or ArgumentException or FormatException:
                    return new(ReasonCodes.SsoProviderMisconfigured, "discovery: the provider's metadata or keys are not valid JSON of the expected shape.");
            }
        }

        if (chain.Any(e => e.Message.Contains("IDX20803", StringComparison.Ordinal) || e.Message.Contains("IDX20804", StringComparison.Ordinal) || e.Message.Contains("IDX20810", StringComparison.Ordinal)))
        {
            // The configuration manager is backing off after a failed fetch and says no more: the fetch's own cause.
            return discovery ?? new(ReasonCodes.SsoProviderMisconfigured, "discovery: the provider's metadata could not be obtained or read.");
        }

        return new(ReasonCodes.SsoProviderMisconfigured, "unexpected: " + (failure is null ? "no detail" : failure.GetType().Name + ": " + Cut(failure.Message)));
    }

    /// <summary>An <c>error</c> the provider returned (RFC 6749 §4.1.2.1, §5.2; OpenID Connect Core §3.1.2.6).</summary>
    public static SsoFailure FromProviderError(string error, string? description)
    {
        var said = $"provider error '{Cut(error, 64)}'" + (string.IsNullOrEmpty(description) ? "" : $": {Cut(description, 200)}");
        return error switch
        {
            "access_denied" or "login_required" or "consent_required" or "interaction_required" or "account_selection_required"
                => new(ReasonCodes.SsoCancelled, said),
            "temporarily_unavailable" or "server_error" => new(ReasonCodes.SsoProviderUnreachable, said),
            "invalid_grant" => new(ReasonCodes.SsoTokenInvalid, said + " (the code was refused: replayed, expired, or issued to another client)"),
            _ => new(ReasonCodes.SsoProviderMisconfigured, said),
        };
    }

    private static string Cut(string value, int max = 300) => value.Length <= max ? value : value[..max];

    [GeneratedRegex("Message contains error: '(?<code>[A-Za-z0-9_]{1,64})'")]
    private static partial Regex ProviderError();
}
