using Signpost.Core.Devices;
using Signpost.Core.Mfa;
using Signpost.Core.Reasons;
using Signpost.Core.Telemetry;

namespace Signpost.Core.SignIn;

public sealed partial class PasswordSignIn
{
    /// <summary>
    /// After the gate admitted a proven password: the second factor, where the policy or the step-up rule asks
    /// for it (<see cref="SecondFactorCheck.DecideAsync"/>). Asked, the attempt ends as <c>mfa_required</c> with a
    /// challenge; without a factor the policy requires, the person is led to enrol within grace and refused
    /// (<c>mfa_not_enrolled</c>) after it. Before the change-due phase, so no way around the factor leads through
    /// the change page.
    /// </summary>
    private async Task<SignInRefusal?> AskSecondFactorAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        if (secondFactor is null)
        {
            return null;
        }

        var decision = await secondFactor.DecideAsync(attempt.Account!, attempt.Device, attempt.Request.Client.DeviceCookies,
            attempt.Request.Client.Ip, attempt.At, cancellationToken);
        attempt.SecondFactorNote = decision.Detail;
        switch (decision.Step)
        {
            case SecondFactorStep.Challenge:
                var request = attempt.Request;
                var challenge = new SecondFactorChallenge(attempt.Account!.Id, request.TraceId, request.OrganizationSlug, request.Method, attempt.At, decision.Rules.RememberDays);
                return new(ReasonCodes.MfaRequired, decision.Detail) { Challenge = challenge };
            case SecondFactorStep.Refuse:
                return new(ReasonCodes.MfaNotEnrolled, decision.Detail);
            case SecondFactorStep.Enrol:
                attempt.EnrolSecondFactorBy = decision.GraceEndsAt ?? DateTimeOffset.MaxValue;
                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// The second half of a sign-in that was asked for its second factor: the challenge (already unprotected by
    /// the web edge; null when its token was missing, forged or expired), the answer, and whether to remember the
    /// browser. The same phases as the first half where they meet — planned downtime, the gate's account checks
    /// (a person disabled in between is refused), the change-due check — then the code, counted toward its own lock.
    /// <paramref name="request"/> carries a typed answer as <c>Password</c>; a passkey's answer comes as
    /// <paramref name="passkey"/> instead (the event's identifier kind is then <c>passkey</c>, which the
    /// <c>amr</c> claim reads). One event ends it like every attempt.
    /// </summary>
    public async Task<SignInResult> CompleteSecondFactorAsync(
        SecondFactorChallenge? challenge, PasswordSignInRequest request, bool rememberBrowser, CancellationToken cancellationToken, PasskeyAssertion? passkey = null)
    {
        using var span = SignpostTelemetry.Source.StartActivity("signpost.sign_in.second_factor");
        var attempt = new Attempt(request, time.GetUtcNow()) { IdentifierKind = passkey is null ? "challenge" : PasskeyIdentifierKind };
        var refusal = await OpenAsync(attempt, cancellationToken)
            ?? await ReadChallengeAsync(attempt, challenge, cancellationToken)
            ?? await AdmitAsync(attempt, cancellationToken)
            ?? await ProveSecondFactorAsync(attempt, passkey, cancellationToken)
            // A single sign-on used no password here, so none is due for a change (docs/mfa.md, "After single sign-on").
            ?? (challenge?.Method == Events.SignInMethod.Sso ? null : CheckPasswordChangeDue(attempt));
        if (refusal is not null)
        {
            return await RefuseAsync(attempt, refusal, cancellationToken);
        }

        await lockouts.ResetAsync(attempt.Account!.Id, attempt.DeviceKey, cancellationToken);
        var reason = gate.IsSupported(attempt.Entry.Browser) ? ReasonCodes.SignedIn : ReasonCodes.SignedInBrowserWarning;
        var result = await StartSessionAsync(attempt, reason, $"Challenge of attempt {challenge!.TraceId}.", cancellationToken);
        if (rememberBrowser && challenge.RememberDays > 0 && rememberedBrowsers is not null && (attempt.Device ?? attempt.IssuedDevice) is { } device)
        {
            var value = await rememberedBrowsers.IssueAsync(device, cancellationToken);
            result = result with { RememberBrowserCookie = (RememberedBrowsers.CookieName(device.AccountId), value) };
        }

        return result;
    }

    /// <summary>The account the challenge names, with this browser's trusted device for it; a missing or stale challenge is refused.</summary>
    private async Task<SignInRefusal?> ReadChallengeAsync(Attempt attempt, SecondFactorChallenge? challenge, CancellationToken cancellationToken)
    {
        const string again = "The verification step has expired. Sign in again.";
        if (challenge is null || attempt.At - challenge.IssuedAt > SecondFactorChallenge.Lifetime)
        {
            return new(ReasonCodes.InvalidRequest, "The second-factor challenge is missing, forged or expired.") { Problems = [again] };
        }

        var account = await accounts.FindByIdAsync(challenge.AccountId, cancellationToken);
        if (account is null)
        {
            return new(ReasonCodes.InvalidRequest, "The second-factor challenge names no account.") { Problems = [again] };
        }

        await KnowAccountAsync(attempt, account, cancellationToken);
        attempt.Identifier = account.Username;
        if (challenge.OrganizationSlug is { } slug)
        {
            attempt.Entry.Named = await organizations.FindBySlugAsync(slug, cancellationToken);
        }

        // The challenge is the proof: it is issued only after the password was right and the gate admitted the person.
        attempt.PasswordProven = true;
        return null;
    }

    /// <summary>
    /// The answer: an authenticator code or a recovery code (<see cref="SecondFactorCheck.VerifyAsync"/>), or a
    /// passkey (<see cref="SecondFactorCheck.VerifyPasskeyAsync"/>).
    /// </summary>
    private async Task<SignInRefusal?> ProveSecondFactorAsync(Attempt attempt, PasskeyAssertion? passkey, CancellationToken cancellationToken)
    {
        if (secondFactor is null)
        {
            throw new InvalidOperationException("A second-factor challenge was answered on a host without the second factor.");
        }

        var verdict = passkey is null
            ? await secondFactor.VerifyAsync(attempt.Account!, attempt.Request.Password, attempt.At, cancellationToken)
            : await secondFactor.VerifyPasskeyAsync(attempt.Account!, passkey, attempt.At, cancellationToken);
        if (verdict.Accepted)
        {
            attempt.SecondFactorNote = verdict.Detail;
            return null;
        }

        return new(verdict.ReasonCode!, verdict.Detail)
        {
            LockedUntil = verdict.LockedUntil,
            SkewSeconds = verdict.SkewSeconds,
            Problems = verdict.Problems,
        };
    }
}
