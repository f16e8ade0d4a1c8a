namespace Signpost.Core.Accounts;

/// <summary>Lifecycle of an account (docs/design.md §2).</summary>
public enum AccountStatus
{
    PendingActivation,
    Active,
    Disabled,
}

/// <summary>Platform-wide roles, held by payer staff rather than practices.</summary>
[Flags]
public enum PlatformRoles
{
    None = 0,
    SupportAgent = 1,
    PlatformAdmin = 2,
}

/// <summary>One person. The username is their provider ID; email and NPI are alternative identifiers.</summary>
public sealed class Account
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Username { get; set; }
    public string NormalizedUsername { get; set; } = "";
    public required string Email { get; set; }
    public string NormalizedEmail { get; set; } = "";
    public required string DisplayName { get; set; }
    /// <summary>Individual (type 1) NPI, optional.</summary>
    public string? Npi { get; set; }
    public AccountStatus Status { get; set; } = AccountStatus.PendingActivation;
    public PlatformRoles PlatformRoles { get; set; }
    /// <summary>Identity's PBKDF2 format (V3: HMAC-SHA512); null until a password is set.</summary>
    public string? PasswordHash { get; set; }
    public DateTimeOffset? PasswordChangedAt { get; set; }
    /// <summary>Set by an administrator or on evidence of compromise: the next sign-in must choose a new password.</summary>
    public bool MustChangePassword { get; set; }
    /// <summary>Held for review after suspicious activity; only support lifts it.</summary>
    public bool Flagged { get; set; }
    /// <summary>Personal expiry extension granted by an administrator, in days added to the policy.</summary>
    public int PasswordExpiryExtensionDays { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Raised by one on every administrative change to the account or its memberships. It is the
    /// optimistic-concurrency token: a form carries the version it was drawn from, and a change made on a
    /// stale version is refused, so two admins editing one person never overwrite each other unseen.
    /// </summary>
    public int Version { get; set; }
    public List<Membership> Memberships { get; set; } = [];

    /// <summary>Case-insensitive key used for unique lookups of usernames and emails.</summary>
    public static string Normalize(string value) => value.Trim().ToUpperInvariant();
}
