namespace Signpost.Core.Mfa;

/// <summary>
/// One authenticator app of a person (RFC 6238 TOTP), named by them ("front desk phone") and removable. The
/// shared secret is kept encrypted with the data-protection key ring (<see cref="ISecondFactorSecrets"/>).
/// An authenticator counts as a second factor only once confirmed with a first code (docs/mfa.md).
/// </summary>
public sealed class TotpAuthenticator
{
    public const int MaxNameLength = 60;

    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid AccountId { get; set; }
    public required string Name { get; set; }

    /// <summary>The shared secret as <see cref="ISecondFactorSecrets.Protect"/> wrote it; never logged, never shown again after enrolment.</summary>
    public required string ProtectedSecret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the first code was accepted; null while enrolment is unfinished (such an authenticator is never asked).</summary>
    public DateTimeOffset? ConfirmedAt { get; set; }

    /// <summary>
    /// The last 30-second time step whose code was accepted. A code is accepted only for a later step, in one
    /// conditional update, so a code is good once even when two requests race with it (RFC 6238 §5.2).
    /// </summary>
    public long LastUsedStep { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>How many time steps the authenticator's clock was off at its last matching code (negative: behind), for the troubleshooter.</summary>
    public int? MeasuredSkewSteps { get; set; }

    public DateTimeOffset? SkewMeasuredAt { get; set; }
}

/// <summary>One of a person's ten single-use recovery codes, stored only as a hash (<see cref="RecoveryCodes.Hash"/>).</summary>
public sealed class RecoveryCode
{
    public long Id { get; set; }
    public Guid AccountId { get; set; }

    /// <summary>The set the code belongs to; regenerating replaces the whole set.</summary>
    public Guid SetId { get; set; }

    public required string Hash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>
/// A person's second-factor state: the wrong-code counter and its lock (counted like the password lock, see
/// <see cref="Lockout.ILockoutStore"/>, but separate from it), the start of their enrolment grace, and the
/// mark an assisted reset leaves.
/// </summary>
public sealed class SecondFactorState
{
    public Guid AccountId { get; set; }
    public int FailureCount { get; set; }
    public DateTimeOffset WindowStartedAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset? LastFailureAt { get; set; }

    /// <summary>The first sign-in at which a policy required a second factor the person did not have: the grace counts from here.</summary>
    public DateTimeOffset? GraceStartedAt { get; set; }

    /// <summary>The last assisted reset: browsers remembered before it are asked again.</summary>
    public DateTimeOffset? ResetAt { get; set; }

    /// <summary>Set by an assisted reset: the next sign-in leads to enrolment whatever the policy; cleared by enrolling.</summary>
    public bool EnrolmentRequired { get; set; }
}

/// <summary>What the troubleshooter reads of a person's second factor (docs/troubleshooter.md, step 1).</summary>
/// <param name="Authenticators">Confirmed authenticators, with their last measured skew.</param>
/// <param name="RecoveryCodesLeft">Unused recovery codes.</param>
/// <param name="State">The counter, lock, grace and reset mark; null when the account never had one.</param>
/// <param name="Passkeys">The person's passkeys.</param>
public sealed record SecondFactorSummary(IReadOnlyList<TotpAuthenticator> Authenticators, int RecoveryCodesLeft, SecondFactorState? State, IReadOnlyList<Passkey>? Passkeys = null);

/// <summary>
/// One passkey (a WebAuthn credential) of a person, named by them ("YubiKey", "front desk laptop") and
/// removable. Signpost keeps only the public key: a database copy cannot sign in with it. A passkey is a second
/// factor after a password and, as a discoverable credential, a sign-in on its own (docs/mfa.md, "Passkeys").
/// </summary>
public sealed class Passkey
{
    public const int MaxNameLength = TotpAuthenticator.MaxNameLength;

    /// <summary>WebAuthn allows up to 1023 bytes; authenticators use 16 to 64.</summary>
    public const int MaxCredentialIdLength = 1023;

    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid AccountId { get; set; }
    public required string Name { get; set; }

    /// <summary>The credential ID the authenticator chose; unique across Signpost, and how an assertion names its passkey.</summary>
    public required byte[] CredentialId { get; set; }

    /// <summary>The COSE public key the assertion's signature is checked with.</summary>
    public required byte[] PublicKey { get; set; }

    /// <summary>The authenticator's signature counter at the last accepted assertion (0: the authenticator keeps none).</summary>
    public long SignCount { get; set; }

    /// <summary>The authenticator model's AAGUID, as the authenticator reported it (all zeros for many).</summary>
    public Guid Aaguid { get; set; }

    /// <summary>How the browser may reach the authenticator (usb, nfc, ble, internal, hybrid), comma-separated.</summary>
    public string? Transports { get; set; }

    /// <summary>Whether it is discoverable (a resident key), so it can sign in without a name typed first.</summary>
    public bool Discoverable { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}
