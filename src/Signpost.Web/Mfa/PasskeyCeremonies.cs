using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Objects;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Mfa;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Mfa;

/// <summary>What a passkey ceremony's options are bound to, so a token issued for one use is refused at another.</summary>
public static class PasskeyPurposes
{
    public static string Register(Guid accountId) => "register:" + accountId.ToString("N");

    public const string SignIn = "sign-in";

    /// <summary>The second factor of the attempt <paramref name="traceId"/> proved the password in.</summary>
    public static string Verify(string traceId) => "verify:" + traceId;
}

/// <summary>
/// The WebAuthn ceremonies with Fido2 (docs/mfa.md, "Passkeys"): options for registering a passkey and for
/// using one, and the checks of what the browser answers. The relying party is the public base URL: its host is
/// the RP ID and its origin the only origin accepted. The options travel to the browser and back as a
/// data-protected token, bound to their purpose and valid for <see cref="Lifetime"/>, so no server-side state is
/// kept between the two calls; the challenge inside them is what the authenticator signs.
/// </summary>
public sealed class PasskeyCeremonies(
    IDataProtectionProvider protection, IOptionsMonitor<SignpostOptions> options, ISecondFactorStore store, TimeProvider time) : IPasskeyVerifier
{
    /// <summary>Long enough to find a security key and touch it, short enough that options are not kept.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    // Not ToTimeLimitedDataProtector: that one reads the machine clock, and every expiry here is the injected clock's.
    private readonly IDataProtector _protector = protection.CreateProtector("Signpost.Passkeys.Options.v1");

    private Fido2 Fido()
    {
        var baseUrl = new Uri(options.CurrentValue.PublicBaseUrl);
        return new Fido2(new Fido2Configuration
        {
            RPID = baseUrl.Host,
            RPName = "Signpost",
            Origins = new HashSet<string>(StringComparer.Ordinal) { baseUrl.GetLeftPart(UriPartial.Authority) },
            Timeout = (uint)Lifetime.TotalMilliseconds,
        });
    }

    /// <summary>Options to register a new passkey for <paramref name="account"/> (a discoverable credential, user verification required), and their token.</summary>
    public (string OptionsJson, string State) RegistrationOptions(Account account, IReadOnlyList<Passkey> existing)
    {
        var created = Fido().RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = UserHandle(account.Id), Name = account.Username, DisplayName = account.DisplayName },
            ExcludeCredentials = existing.Select(p => new PublicKeyCredentialDescriptor(p.CredentialId)).ToList(),
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Required,
                UserVerification = UserVerificationRequirement.Required,
            },
            AttestationPreference = AttestationConveyancePreference.None,
            PubKeyCredParams = PubKeyCredParam.Defaults,
            Extensions = new AuthenticationExtensionsClientInputs { CredProps = true },
        });
        var json = created.ToJson();
        return (json, Protect(PasskeyPurposes.Register(account.Id), json));
    }

    /// <summary>
    /// Checks a registration answer and returns the passkey to keep (not yet stored), or why it was refused in
    /// words for the person.
    /// </summary>
    public async Task<(Passkey? Passkey, string? Problem)> CompleteRegistrationAsync(Guid accountId, string name, string? responseJson, string? state, CancellationToken cancellationToken)
    {
        if (Unprotect(PasskeyPurposes.Register(accountId), state) is not { } optionsJson)
        {
            return (null, "The passkey request expired. Try again.");
        }

        if (string.IsNullOrEmpty(responseJson) || responseJson.Length > PasskeyAssertion.MaxResponseLength)
        {
            return (null, "Your browser did not create a passkey. Try again, or use another browser or security key.");
        }

        try
        {
            var response = JsonSerializer.Deserialize<AuthenticatorAttestationRawResponse>(responseJson)
                ?? throw new JsonException("Empty attestation.");
            var created = await Fido().MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = response,
                OriginalOptions = CredentialCreateOptions.FromJson(optionsJson),
                IsCredentialIdUniqueToUserCallback = async (args, ct) => await store.FindPasskeyAsync(args.CredentialId, ct) is null,
            }, cancellationToken);
            return (new Passkey
            {
                AccountId = accountId,
                Name = name,
                CredentialId = created.Id,
                PublicKey = created.PublicKey,
                SignCount = created.SignCount,
                Aaguid = created.AaGuid,
                Transports = created.Transports is { Length: > 0 } transports
                    ? string.Join(',', transports.Select(t => t.ToString().ToLowerInvariant()))
                    : null,
                Discoverable = response.ClientExtensionResults?.CredProps?.Rk ?? true,
                CreatedAt = time.GetUtcNow(),
            }, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Fido2VerificationException, malformed JSON or CBOR, an unsupported algorithm: all mean "not created".
            return (null, $"The passkey could not be checked ({Short(ex.Message)}). Try again.");
        }
    }

    /// <summary>
    /// Options to use a passkey, and their token. <paramref name="allowed"/> lists the passkeys that may answer
    /// (the second factor: the account's own); empty asks the browser for any discoverable passkey of this site.
    /// </summary>
    public (string OptionsJson, string State) AssertionOptions(string purpose, IReadOnlyList<Passkey> allowed)
    {
        var assertion = Fido().GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = allowed.Select(p => new PublicKeyCredentialDescriptor(p.CredentialId)).ToList(),
            UserVerification = UserVerificationRequirement.Required,
        });
        var json = assertion.ToJson();
        return (json, Protect(purpose, json));
    }

    /// <summary>What the browser answered, with the options read back from their token; null when the token is missing, forged, for another purpose or expired.</summary>
    public PasskeyAssertion? ReadAnswer(string purpose, string? state, string? responseJson, string? browserError)
    {
        if (Unprotect(purpose, state) is not { } optionsJson)
        {
            return null;
        }

        var error = browserError is { Length: > 0 and <= 64 } e && e.All(char.IsAsciiLetterOrDigit) ? e : null;
        return new PasskeyAssertion(string.IsNullOrEmpty(responseJson) ? null : responseJson, optionsJson, error);
    }

    public async Task<PasskeyVerification> VerifyAsync(PasskeyAssertion assertion, CancellationToken cancellationToken)
    {
        if (assertion.ResponseJson is not { } json)
        {
            return PasskeyVerification.Refused(assertion.BrowserError is { } error
                ? $"the browser answered {error} instead of a passkey (cancelled, timed out, or no passkey for this site on it)"
                : "the browser sent no passkey");
        }

        if (json.Length > PasskeyAssertion.MaxResponseLength)
        {
            return PasskeyVerification.Refused($"an answer of {json.Length} characters, longer than any passkey's");
        }

        AuthenticatorAssertionRawResponse response;
        try
        {
            response = JsonSerializer.Deserialize<AuthenticatorAssertionRawResponse>(json) ?? throw new JsonException("Empty assertion.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // JsonException, a base64url field that is not one, a required member missing: none is an assertion.
            return PasskeyVerification.Refused($"an answer that is not a WebAuthn assertion ({Short(ex.Message)})");
        }

        if (response.RawId is not { Length: > 0 and <= Passkey.MaxCredentialIdLength } credentialId)
        {
            return PasskeyVerification.Refused("an assertion without a credential ID");
        }

        var passkey = await store.FindPasskeyAsync(credentialId, cancellationToken);
        if (passkey is null)
        {
            return PasskeyVerification.Refused($"credential {Base64Url(credentialId)} is registered to no account");
        }

        try
        {
            var result = await Fido().MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = response,
                OriginalOptions = Fido2NetLib.AssertionOptions.FromJson(assertion.OptionsJson),
                StoredPublicKey = passkey.PublicKey,
                StoredSignatureCounter = (uint)passkey.SignCount,
                IsUserHandleOwnerOfCredentialIdCallback = (args, _) => Task.FromResult(
                    args.UserHandle.AsSpan().SequenceEqual(UserHandle(passkey.AccountId)) && args.CredentialId.AsSpan().SequenceEqual(passkey.CredentialId)),
            }, cancellationToken);
            return new PasskeyVerification(passkey, result.SignCount, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A wrong signature, another origin or RP ID, no user verification, a stale challenge, a counter gone back.
            return PasskeyVerification.Refused($"passkey \"{passkey.Name}\" did not verify: {Short(ex.Message)}", passkey);
        }
    }

    /// <summary>The WebAuthn user handle of an account: its ID's 16 bytes, no personal data.</summary>
    public static byte[] UserHandle(Guid accountId) => accountId.ToByteArray();

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private string Protect(string purpose, string optionsJson) =>
        _protector.Protect(string.Join('\n', purpose, time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), optionsJson));

    private string? Unprotect(string purpose, string? state)
    {
        if (string.IsNullOrEmpty(state) || state.Length > 16_384)
        {
            return null;
        }

        try
        {
            var parts = _protector.Unprotect(state).Split('\n', 3);
            return parts.Length == 3 && parts[0] == purpose
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var issued)
                && time.GetUtcNow() < DateTimeOffset.FromUnixTimeSeconds(issued) + Lifetime
                ? parts[2]
                : null;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }
    }

    private static string Short(string message) => message.Length <= 200 ? message : message[..200];
}
