using Signpost.Core.Events;
using Signpost.Core.Mfa;
using Signpost.Core.Reasons;
using Signpost.Core.Telemetry;

namespace Signpost.Core.SignIn;

public sealed partial class PasswordSignIn
{
    /// <summary>The event's identifier kind for an attempt whose account a passkey named (and the <c>amr</c> claim's clue).</summary>
    public const string PasskeyIdentifierKind = "passkey";

    /// <summary>
    /// A sign-in with a passkey and no password (docs/mfa.md, "Passkeys"): the browser offered one of its
    /// discoverable credentials for Signpost, and the assertion names the account. The phases are the password's
    /// where they apply — planned downtime, the named practice's public rules, then the gate's account checks
    /// once the passkey is proven — with the passkey in place of the password and the second factor. A passkey
    /// is possession and, with user verification, a PIN or biometric: no second factor is asked after it, and
    /// no password change is due for a sign-in that used no password.
    /// </summary>
    /// <remarks>
    /// Every refusal before the passkey is proven is <c>invalid_credentials</c> to the browser, whatever the
    /// cause (an unknown credential, a bad signature, a cancelled prompt): the answer never says whether a
    /// passkey belongs to an account. The event keeps the cause, and the account when the passkey named one.
    /// </remarks>
    public async Task<SignInResult> PasskeySignInAsync(PasskeyAssertion? assertion, PasswordSignInRequest request, CancellationToken cancellationToken)
    {
        using var span = SignpostTelemetry.Source.StartActivity("signpost.sign_in.passkey");
        var attempt = new Attempt(request, time.GetUtcNow()) { IdentifierKind = PasskeyIdentifierKind };
        Passkey? passkey = null;
        var refusal = await OpenAsync(attempt, cancellationToken)
            ?? await CheckNamedPracticeAsync(attempt, cancellationToken);
        if (refusal is null)
        {
            (passkey, refusal) = await ProvePasskeyAsync(attempt, assertion, cancellationToken);
        }

        refusal ??= await AdmitAsync(attempt, cancellationToken);
        if (refusal is not null)
        {
            return await RefuseAsync(attempt, refusal, cancellationToken);
        }

        var reason = gate.IsSupported(attempt.Entry.Browser) ? ReasonCodes.SignedIn : ReasonCodes.SignedInBrowserWarning;
        return await StartSessionAsync(attempt, reason, $"Passkey \"{passkey!.Name}\", without a password.", cancellationToken);
    }

    /// <summary>The passkey's signature, checked against its stored public key, and its counter advanced; the account it belongs to.</summary>
    private async Task<(Passkey?, SignInRefusal?)> ProvePasskeyAsync(Attempt attempt, PasskeyAssertion? assertion, CancellationToken cancellationToken)
    {
        if (secondFactor is null || assertion is null)
        {
            return (null, new(ReasonCodes.InvalidCredentials, "Passkey refused: the request carried no passkey ceremony Signpost started (missing, forged or expired options)."));
        }

        var verification = await secondFactor.VerifyPasskeyOnlyAsync(assertion, cancellationToken);
        if (verification.Passkey is { } named)
        {
            // For the event only: the refusal below says the same whether or not the passkey named an account.
            var account = await accounts.FindByIdAsync(named.AccountId, cancellationToken);
            if (account is not null)
            {
                await KnowAccountAsync(attempt, account, cancellationToken);
                attempt.Identifier = account.Username;
            }
        }

        if (!verification.Verified)
        {
            return (null, new(ReasonCodes.InvalidCredentials, $"Passkey refused: {verification.Refusal}."));
        }

        var passkey = verification.Passkey!;
        if (attempt.Account is null)
        {
            return (null, new(ReasonCodes.InvalidCredentials, $"Passkey \"{passkey.Name}\" belongs to an account that no longer exists."));
        }

        if (!await secondFactor.UsePasskeyAsync(passkey, verification.SignCount, attempt.At, cancellationToken))
        {
            return (null, new(ReasonCodes.InvalidCredentials,
                $"Passkey \"{passkey.Name}\": its signature counter {verification.SignCount} did not advance past the stored one (a replay, or a cloned authenticator)."));
        }

        // Possession of the private key, unlocked by the person's PIN or biometric: stronger proof than a password.
        attempt.PasswordProven = true;
        return (passkey, null);
    }
}
