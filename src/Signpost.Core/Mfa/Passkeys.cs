namespace Signpost.Core.Mfa;

/// <summary>
/// What a browser answered to a passkey request: the WebAuthn assertion as JSON, and the request it answered
/// (its options as JSON, with the challenge). The web edge hands the options over only after reading them back
/// from its own short-lived protected token, so they are the ones Signpost issued (docs/mfa.md, "Passkeys").
/// </summary>
/// <param name="ResponseJson">The browser's <c>PublicKeyCredential</c>, as JSON with base64url fields; never trusted.</param>
/// <param name="OptionsJson">The options Signpost issued for this ceremony.</param>
/// <param name="BrowserError">The name of the error the browser reported instead of an answer (NotAllowedError: cancelled or timed out).</param>
public sealed record PasskeyAssertion(string? ResponseJson, string OptionsJson, string? BrowserError = null)
{
    /// <summary>Longer than any real assertion (a few kilobytes): more is refused unread.</summary>
    public const int MaxResponseLength = 16_384;
}

/// <summary>
/// The result of checking an assertion's signature: the passkey it came from and its new signature counter, or
/// why it was refused (for the event only: nobody is told which account a passkey belongs to).
/// </summary>
public sealed record PasskeyVerification(Passkey? Passkey, long SignCount, string? Refusal)
{
    public bool Verified => Refusal is null && Passkey is not null;

    public static PasskeyVerification Refused(string why, Passkey? passkey = null) => new(passkey, 0, why);
}

/// <summary>
/// Checks WebAuthn assertions against the stored public keys (Fido2, in the web project): the challenge, the
/// origin and RP ID, user presence and verification, the signature, and that the user handle is the passkey's owner.
/// </summary>
public interface IPasskeyVerifier
{
    Task<PasskeyVerification> VerifyAsync(PasskeyAssertion assertion, CancellationToken cancellationToken);
}
