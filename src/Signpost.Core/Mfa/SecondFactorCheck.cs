using System.Net;
using System.Net.Sockets;
using Signpost.Core.Accounts;
using Signpost.Core.Devices;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Reasons;

namespace Signpost.Core.Mfa;

/// <summary>
/// The second factor's part of a sign-in (docs/mfa.md): whether to ask for it (<see cref="DecideAsync"/>), and
/// whether an answer is right (<see cref="VerifyAsync"/>). Both run only after the password is proven and the
/// <see cref="SignIn.SignInGate"/> admitted the person, so what they tell is told to the password's owner.
/// </summary>
public sealed class SecondFactorCheck(
    ISecondFactorStore store,
    ISecondFactorSecrets secrets,
    RememberedBrowsers remembered,
    ISignInEventStore events,
    IPasskeyVerifier? passkeys = null)
{
    /// <summary>
    /// Wrong codes before the second factor locks. A 6-digit code is guessed with odds of 3 in a million per try
    /// (one step either side); five tries per lock window keep that far below NIST SP 800-63B §5.2.2's limit.
    /// </summary>
    public const int FailureThreshold = 5;

    /// <summary>How many of the account's recent sign-ins the step-up rule looks through for a known network.</summary>
    public const int NetworkHistory = 500;

    public async Task<IReadOnlyList<TotpAuthenticator>> ConfirmedAsync(Guid accountId, CancellationToken cancellationToken) =>
        (await store.ListAuthenticatorsAsync(accountId, cancellationToken)).Where(a => a.ConfirmedAt is not null).ToList();

    /// <summary>Whether the person has a second factor: a confirmed authenticator or a passkey.</summary>
    public async Task<bool> HasFactorAsync(Guid accountId, CancellationToken cancellationToken) =>
        (await ConfirmedAsync(accountId, cancellationToken)).Count > 0 || (await store.ListPasskeysAsync(accountId, cancellationToken)).Count > 0;

    /// <summary>
    /// Whether the person's password is backed by a second factor that their practices actually ask for: a
    /// confirmed authenticator or a passkey, and a policy other than off. Such a password may be 8 characters
    /// instead of 15 (NIST SP 800-63B §3.1.1.2; <see cref="Passwords.PasswordPolicy"/>).
    /// </summary>
    public async Task<bool> BacksPasswordAsync(Account account, CancellationToken cancellationToken) =>
        SecondFactorRules.For(account).Requirement != SecondFactorRequirement.Off && await HasFactorAsync(account.Id, cancellationToken);

    /// <summary>
    /// Whether this sign-in asks for the second factor: always where a practice (or payer staff) requires it,
    /// unless the browser is remembered; where it is optional, only on a sign-in from a browser the account
    /// never used and a network it never signed in from (step-up). Without a factor where one is required:
    /// led to enrol within grace, refused after.
    /// </summary>
    public async Task<SecondFactorDecision> DecideAsync(
        Account account, TrustedDevice? device, IReadOnlyDictionary<string, string> cookies, IPAddress? ip, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rules = SecondFactorRules.For(account);
        var hasFactor = await HasFactorAsync(account.Id, cancellationToken);
        var state = await store.GetStateAsync(account.Id, cancellationToken);
        if (hasFactor)
        {
            switch (rules.Requirement)
            {
                case SecondFactorRequirement.Off:
                    return new(SecondFactorStep.None, "Second factor not asked: off at every practice of the person.", rules);
                case SecondFactorRequirement.Required:
                    var since = await remembered.VerifyAsync(cookies.GetValueOrDefault(RememberedBrowsers.CookieName(account.Id)), device,
                        rules.RememberDays, state?.ResetAt, cancellationToken);
                    return since is { } issued
                        ? new(SecondFactorStep.None, $"Second factor not asked: browser remembered since {issued:O} ({rules.RememberDays} days allowed).", rules)
                        : new(SecondFactorStep.Challenge, $"Second factor asked: {rules.Why}.", rules);
                default:
                    var unusual = await UnusualAsync(account.Id, device, ip, cancellationToken);
                    return unusual is null
                        ? new(SecondFactorStep.None, "Second factor not asked: optional, and the browser or the network was used before.", rules)
                        : new(SecondFactorStep.Challenge, $"Second factor asked (step-up): {unusual}.", rules);
            }
        }

        if (rules.Requirement != SecondFactorRequirement.Required && state?.EnrolmentRequired != true)
        {
            return new(SecondFactorStep.None, "", rules);
        }

        if (rules.Requirement != SecondFactorRequirement.Required)
        {
            return new(SecondFactorStep.Enrol, "No second factor since an assisted reset: led to enrol.", rules);
        }

        var start = await store.StartGraceAsync(account.Id, now, cancellationToken);
        var end = start.AddDays(rules.GraceDays);
        return now < end
            ? new(SecondFactorStep.Enrol, $"No second factor ({rules.Why}); within grace until {end:O}: led to enrol.", rules, end)
            : new(SecondFactorStep.Refuse, $"No second factor ({rules.Why}); grace of {rules.GraceDays} day(s) from {start:O} ended at {end:O}.", rules);
    }

    /// <summary>
    /// The answer to a challenge: a 6-digit authenticator code or a recovery code. While the second factor is
    /// locked nothing is checked or counted. A code from a skewed clock, a replayed code and a wrong code are all
    /// counted, exactly, toward the lock (<see cref="ISecondFactorStore.RegisterFailureAsync"/>).
    /// </summary>
    public async Task<SecondFactorVerdict> VerifyAsync(Account account, string? typed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rules = LockoutRules.Strictest(account.Memberships.Where(m => m.GivesAccess && m.Organization is not null).Select(m => m.Organization!.Policy));
        var state = await store.GetStateAsync(account.Id, cancellationToken);
        if (state?.LockedUntil is { } until && until > now)
        {
            // A recovery code still works while authenticator codes are locked (the message says so): fifty random
            // bits are not guessed at any rate the sign-in limit allows, so it is checked, but never counted.
            if (RecoveryCodes.Normalize(typed) is { } during
                && await store.RedeemRecoveryCodeAsync(account.Id, RecoveryCodes.Hash(account.Id, during), now, cancellationToken))
            {
                await store.ResetFailuresAsync(account.Id, cancellationToken);
                var remaining = await store.CountRecoveryCodesLeftAsync(account.Id, cancellationToken);
                return SecondFactorVerdict.Accept($"Second factor accepted while locked: a recovery code ({remaining} left).");
            }

            return new(ReasonCodes.MfaLocked, $"Second factor locked until {until:O}; the answer was not counted.") { LockedUntil = until };
        }

        if (TotpCodes.Normalize(typed) is { } code)
        {
            foreach (var authenticator in await ConfirmedAsync(account.Id, cancellationToken))
            {
                if (secrets.Unprotect(authenticator.ProtectedSecret) is not { } secret || TotpCodes.Match(secret, code, now) is not { } match)
                {
                    continue;
                }

                var where = $"authenticator \"{authenticator.Name}\", step {match.Step}";
                if (!match.Accepted)
                {
                    await store.RecordSkewAsync(authenticator.Id, match.SkewSteps, now, cancellationToken);
                    return await CountAsync(account.Id, rules, now, ReasonCodes.MfaClockSkew,
                        $"Code of {where} is {Math.Abs(match.SkewSteps)} steps {(match.SkewSteps < 0 ? "behind" : "ahead")}: the authenticator clock is {TotpCodes.DescribeSkew(match.SkewSeconds)}",
                        match.SkewSeconds, cancellationToken);
                }

                if (!await store.TryUseStepAsync(authenticator.Id, match.Step, match.SkewSteps, now, cancellationToken))
                {
                    return await CountAsync(account.Id, rules, now, ReasonCodes.MfaCodeInvalid,
                        $"Replay: the code of {where} was already accepted (or a later one was)", null, cancellationToken);
                }

                await store.ResetFailuresAsync(account.Id, cancellationToken);
                return SecondFactorVerdict.Accept($"Second factor accepted: {where}{(match.SkewSteps == 0 ? "" : $" ({match.SkewSteps:+0;-0} step)")}.");
            }

            return await CountAsync(account.Id, rules, now, ReasonCodes.MfaCodeInvalid,
                $"The code matches no authenticator of the account within {TotpCodes.SkewSteps * TotpCodes.StepSeconds / 60} minutes either side", null, cancellationToken);
        }

        if (RecoveryCodes.Normalize(typed) is { } recovery)
        {
            if (await store.RedeemRecoveryCodeAsync(account.Id, RecoveryCodes.Hash(account.Id, recovery), now, cancellationToken))
            {
                await store.ResetFailuresAsync(account.Id, cancellationToken);
                var left = await store.CountRecoveryCodesLeftAsync(account.Id, cancellationToken);
                return SecondFactorVerdict.Accept($"Second factor accepted: a recovery code ({left} left).");
            }

            return await CountAsync(account.Id, rules, now, ReasonCodes.MfaCodeInvalid,
                "A recovery code that is not one of the account's unused codes", null, cancellationToken);
        }

        const string problem = "Enter the 6-digit code from your authenticator app, or one of your recovery codes.";
        return new(ReasonCodes.InvalidRequest, "The answer is neither a 6-digit code nor a recovery code; not counted.") { Problems = [problem] };
    }

    /// <summary>
    /// A passkey as the answer to a challenge (docs/mfa.md, "Passkeys"): the assertion must verify against one of
    /// this account's passkeys and advance its signature counter. A refused assertion — a bad signature, a
    /// passkey of another account or of none, a cancelled prompt — is counted toward the lock like a wrong code
    /// (<c>mfa_code_invalid</c>). A passkey cannot be guessed, so like a recovery code it is still accepted while
    /// the lock holds; nothing refused is counted then.
    /// </summary>
    public async Task<SecondFactorVerdict> VerifyPasskeyAsync(Account account, PasskeyAssertion assertion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (passkeys is null)
        {
            throw new InvalidOperationException("A passkey answered a challenge on a host without passkeys.");
        }

        var rules = LockoutRules.Strictest(account.Memberships.Where(m => m.GivesAccess && m.Organization is not null).Select(m => m.Organization!.Policy));
        var state = await store.GetStateAsync(account.Id, cancellationToken);
        var lockedUntil = state?.LockedUntil is { } until && until > now ? until : (DateTimeOffset?)null;
        var verification = await passkeys.VerifyAsync(assertion, cancellationToken);
        string? refusal = verification.Refusal;
        if (refusal is null && verification.Passkey is { } passkey)
        {
            if (passkey.AccountId != account.Id)
            {
                refusal = "The assertion was signed by a passkey registered to another account";
            }
            else if (!await store.TryUsePasskeyAsync(passkey.Id, verification.SignCount, now, cancellationToken))
            {
                refusal = $"Passkey \"{passkey.Name}\": its signature counter {verification.SignCount} did not advance past the stored one (a replay, or a cloned authenticator)";
            }
            else
            {
                await store.ResetFailuresAsync(account.Id, cancellationToken);
                return SecondFactorVerdict.Accept($"Second factor accepted{(lockedUntil is null ? "" : " while locked")}: passkey \"{passkey.Name}\" (counter {verification.SignCount}).");
            }
        }

        refusal ??= "The assertion named no passkey";
        if (lockedUntil is { } locked)
        {
            return new(ReasonCodes.MfaLocked, $"Second factor locked until {locked:O}; a refused passkey was not counted: {refusal}.") { LockedUntil = locked };
        }

        return await CountAsync(account.Id, rules, now, ReasonCodes.MfaCodeInvalid, $"Passkey refused: {refusal}", null, cancellationToken);
    }

    /// <summary>A passkey on its own, for the sign-in without a password: the signature checked, nothing counted.</summary>
    public Task<PasskeyVerification> VerifyPasskeyOnlyAsync(PasskeyAssertion assertion, CancellationToken cancellationToken) =>
        passkeys?.VerifyAsync(assertion, cancellationToken) ?? Task.FromResult(PasskeyVerification.Refused("passkeys are not set up on this host"));

    /// <summary>Records an accepted assertion (<see cref="ISecondFactorStore.TryUsePasskeyAsync"/>); false for a counter that did not advance.</summary>
    public Task<bool> UsePasskeyAsync(Passkey passkey, long signCount, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.TryUsePasskeyAsync(passkey.Id, signCount, now, cancellationToken);

    private async Task<SecondFactorVerdict> CountAsync(
        Guid accountId, LockoutRules rules, DateTimeOffset now, string reason, string detail, int? skewSeconds, CancellationToken cancellationToken)
    {
        var threshold = Math.Min(FailureThreshold, rules.Threshold);
        var tally = await store.RegisterFailureAsync(accountId, threshold, rules.Window, rules.Duration, now, cancellationToken);
        if (!tally.Counted && tally.LockedUntil is { } meanwhile)
        {
            return new(ReasonCodes.MfaLocked, $"Second factor locked until {meanwhile:O} by a concurrent attempt; not counted. {detail}.") { LockedUntil = meanwhile };
        }

        var lockNote = tally.LockedUntil is { } lockedNow ? $"; this failure locked the second factor until {lockedNow:O}" : "";
        return new(reason, $"{detail} ({tally.FailureCount}/{threshold} within {rules.Window.TotalMinutes:0} min{lockNote}).")
        {
            LockedUntil = tally.LockedUntil,
            SkewSeconds = skewSeconds,
        };
    }

    /// <summary>Why the sign-in is unusual (a browser never used and a network never signed in from), or null.</summary>
    private async Task<string?> UnusualAsync(Guid accountId, TrustedDevice? device, IPAddress? ip, CancellationToken cancellationToken)
    {
        if (device is not null)
        {
            return null;
        }

        var network = NetworkOf(ip);
        if (network is null)
        {
            return null;
        }

        var history = await events.ListForAccountAsync(accountId, NetworkHistory, cancellationToken);
        var known = history.Any(e => e.Succeeded && IPAddress.TryParse(e.ClientIp, out var seen) && NetworkOf(seen) == network);
        return known ? null : $"a browser this account never used, from a network it never signed in from ({network})";
    }

    /// <summary>The network an address belongs to for the step-up rule: its IPv4 /24 or IPv6 /64.</summary>
    public static string? NetworkOf(IPAddress? ip)
    {
        if (ip is null)
        {
            return null;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        var bytes = ip.GetAddressBytes();
        return ip.AddressFamily == AddressFamily.InterNetwork
            ? $"{bytes[0]}.{bytes[1]}.{bytes[2]}.0/24"
            : $"{new IPAddress([.. bytes[..8], .. new byte[8]])}/64";
    }
}
