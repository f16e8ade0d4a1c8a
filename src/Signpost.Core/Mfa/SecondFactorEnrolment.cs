using Signpost.Core.Audit;

namespace Signpost.Core.Mfa;

/// <summary>A pending authenticator and its secret, shown once (as a QR code and as text) while the person enrols it.</summary>
public sealed record PendingAuthenticator(TotpAuthenticator Authenticator, byte[] Secret);

/// <summary>The outcome of confirming an authenticator: accepted (with recovery codes when it is the person's first), or why not.</summary>
public sealed record EnrolmentOutcome(bool Confirmed, string Message, IReadOnlyList<string> RecoveryCodes)
{
    public static EnrolmentOutcome Refused(string message) => new(false, message, []);
}

/// <summary>
/// What a signed-in person does with their own second factor (docs/mfa.md, "Methods"): add an authenticator
/// (confirmed with a first code), name it, remove it, and replace their recovery codes. Every change is audited
/// with the person as the actor; secrets and codes never reach the audit trail.
/// </summary>
public sealed class SecondFactorEnrolment(ISecondFactorStore store, ISecondFactorSecrets secrets, AuditTrail audit, TimeProvider time)
{
    /// <summary>More than this many authenticators (confirmed or not) is refused: nobody needs more, and each costs a check at sign-in.</summary>
    public const int MaxAuthenticators = 10;

    public Task<IReadOnlyList<TotpAuthenticator>> ListAsync(Guid accountId, CancellationToken cancellationToken) =>
        store.ListAuthenticatorsAsync(accountId, cancellationToken);

    public Task<int> RecoveryCodesLeftAsync(Guid accountId, CancellationToken cancellationToken) =>
        store.CountRecoveryCodesLeftAsync(accountId, cancellationToken);

    /// <summary>A name a person may give an authenticator: trimmed, 1–60 characters, no control characters; null otherwise.</summary>
    public static string? CleanName(string? name)
    {
        var trimmed = name?.Trim();
        return string.IsNullOrEmpty(trimmed) || trimmed.Length > TotpAuthenticator.MaxNameLength || trimmed.Any(char.IsControl) ? null : trimmed;
    }

    /// <summary>Starts enrolling an authenticator: a new secret, kept encrypted, not yet a factor; null when the person has too many.</summary>
    public async Task<PendingAuthenticator?> StartAsync(Guid accountId, string name, CancellationToken cancellationToken)
    {
        if ((await store.ListAuthenticatorsAsync(accountId, cancellationToken)).Count >= MaxAuthenticators)
        {
            return null;
        }

        var secret = TotpCodes.NewSecret();
        var authenticator = new TotpAuthenticator
        {
            AccountId = accountId,
            Name = name,
            ProtectedSecret = secrets.Protect(secret),
            CreatedAt = time.GetUtcNow(),
        };
        await store.AddAuthenticatorAsync(authenticator, cancellationToken);
        return new PendingAuthenticator(authenticator, secret);
    }

    /// <summary>The secret of the person's unfinished authenticator, to show again while they enrol it; null when it is not theirs or already confirmed.</summary>
    public async Task<PendingAuthenticator?> PendingAsync(Guid accountId, Guid authenticatorId, CancellationToken cancellationToken)
    {
        var authenticator = (await store.ListAuthenticatorsAsync(accountId, cancellationToken)).FirstOrDefault(a => a.Id == authenticatorId && a.ConfirmedAt is null);
        return authenticator is not null && secrets.Unprotect(authenticator.ProtectedSecret) is { } secret ? new PendingAuthenticator(authenticator, secret) : null;
    }

    /// <summary>
    /// Confirms an authenticator with its first code (inside the accepted window; a skewed clock is named so the
    /// person can fix it first). The person's first factor comes with ten recovery codes, shown once.
    /// </summary>
    public async Task<EnrolmentOutcome> ConfirmAsync(Guid accountId, Guid authenticatorId, string? typed, AuditActor actor, CancellationToken cancellationToken)
    {
        var pending = await PendingAsync(accountId, authenticatorId, cancellationToken);
        if (pending is null)
        {
            return EnrolmentOutcome.Refused("That authenticator is not waiting to be confirmed. Start again.");
        }

        if (TotpCodes.Normalize(typed) is not { } code)
        {
            return EnrolmentOutcome.Refused("Enter the 6-digit code the app shows for Signpost.");
        }

        var now = time.GetUtcNow();
        var match = TotpCodes.Match(pending.Secret, code, now);
        if (match is null)
        {
            return EnrolmentOutcome.Refused("That code does not match. Scan the QR code again (or type the key) and enter the code the app shows now.");
        }

        if (!match.Accepted)
        {
            return EnrolmentOutcome.Refused($"That code belongs to a different time: the phone's clock is about {TotpCodes.DescribeSkew(match.SkewSeconds)}. Turn on automatic date and time on the phone, then enter a fresh code.");
        }

        var hadFactor = (await store.ListAuthenticatorsAsync(accountId, cancellationToken)).Any(a => a.ConfirmedAt is not null);
        if (!await store.ConfirmAuthenticatorAsync(authenticatorId, accountId, match.Step, match.SkewSteps, now, cancellationToken))
        {
            return EnrolmentOutcome.Refused("That authenticator is not waiting to be confirmed. Start again.");
        }

        await audit.RecordAsync(actor, new AuditRecord("mfa.authenticator_added", "account", accountId.ToString(), null, null,
            new { authenticator = authenticatorId, name = pending.Authenticator.Name }), cancellationToken);
        var codes = hadFactor && await store.CountRecoveryCodesLeftAsync(accountId, cancellationToken) > 0
            ? []
            : await ReplaceRecoveryCodesAsync(accountId, actor, cancellationToken);
        return new EnrolmentOutcome(true, $"\"{pending.Authenticator.Name}\" is set up.", codes);
    }

    public async Task<bool> RemoveAsync(Guid accountId, Guid authenticatorId, AuditActor actor, CancellationToken cancellationToken)
    {
        var authenticator = (await store.ListAuthenticatorsAsync(accountId, cancellationToken)).FirstOrDefault(a => a.Id == authenticatorId);
        if (authenticator is null || !await store.RemoveAuthenticatorAsync(authenticatorId, accountId, cancellationToken))
        {
            return false;
        }

        if (authenticator.ConfirmedAt is not null)
        {
            await audit.RecordAsync(actor, new AuditRecord("mfa.authenticator_removed", "account", accountId.ToString(), null,
                new { authenticator = authenticatorId, name = authenticator.Name }, null), cancellationToken);
        }

        return true;
    }

    public Task<IReadOnlyList<Passkey>> ListPasskeysAsync(Guid accountId, CancellationToken cancellationToken) =>
        store.ListPasskeysAsync(accountId, cancellationToken);

    /// <summary>
    /// Keeps a passkey whose registration the web edge verified (docs/mfa.md, "Passkeys"). Like a first
    /// authenticator, a first second factor comes with ten recovery codes, shown once.
    /// </summary>
    public async Task<EnrolmentOutcome> AddPasskeyAsync(Passkey passkey, AuditActor actor, CancellationToken cancellationToken)
    {
        var existing = await store.ListPasskeysAsync(passkey.AccountId, cancellationToken);
        if (existing.Count >= MaxAuthenticators)
        {
            return EnrolmentOutcome.Refused($"You already have {MaxAuthenticators} passkeys. Remove one first.");
        }

        var hadFactor = existing.Count > 0 || (await store.ListAuthenticatorsAsync(passkey.AccountId, cancellationToken)).Any(a => a.ConfirmedAt is not null);
        if (!await store.AddPasskeyAsync(passkey, cancellationToken))
        {
            return EnrolmentOutcome.Refused("That passkey is already registered.");
        }

        await audit.RecordAsync(actor, new AuditRecord("mfa.passkey_added", "account", passkey.AccountId.ToString(), null, null,
            new { passkey = passkey.Id, name = passkey.Name, aaguid = passkey.Aaguid, discoverable = passkey.Discoverable }), cancellationToken);
        var codes = hadFactor && await store.CountRecoveryCodesLeftAsync(passkey.AccountId, cancellationToken) > 0
            ? []
            : await ReplaceRecoveryCodesAsync(passkey.AccountId, actor, cancellationToken);
        return new EnrolmentOutcome(true, $"Passkey \"{passkey.Name}\" is set up.", codes);
    }

    public async Task<bool> RemovePasskeyAsync(Guid accountId, Guid passkeyId, AuditActor actor, CancellationToken cancellationToken)
    {
        var passkey = (await store.ListPasskeysAsync(accountId, cancellationToken)).FirstOrDefault(p => p.Id == passkeyId);
        if (passkey is null || !await store.RemovePasskeyAsync(passkeyId, accountId, cancellationToken))
        {
            return false;
        }

        await audit.RecordAsync(actor, new AuditRecord("mfa.passkey_removed", "account", accountId.ToString(), null,
            new { passkey = passkeyId, name = passkey.Name }, null), cancellationToken);
        return true;
    }

    /// <summary>Ten new recovery codes, returned once; the old set is void from this moment.</summary>
    public async Task<IReadOnlyList<string>> ReplaceRecoveryCodesAsync(Guid accountId, AuditActor actor, CancellationToken cancellationToken)
    {
        var codes = RecoveryCodes.Generate();
        await store.ReplaceRecoveryCodesAsync(accountId, codes.Select(c => RecoveryCodes.Hash(accountId, RecoveryCodes.Normalize(c)!)).ToList(), time.GetUtcNow(), cancellationToken);
        await audit.RecordAsync(actor, new AuditRecord("mfa.recovery_codes_replaced", "account", accountId.ToString(), null, null, new { count = codes.Count }), cancellationToken);
        return codes;
    }
}
