namespace Signpost.Core.Events;

/// <summary>Which sign-in path an attempt took.</summary>
public enum SignInMethod
{
    Password,
    Api,
    ChangePassword,
    Activation,
    PasswordReset,
    Unlock,
    /// <summary>Single sign-on through the organization's own OpenID Connect provider.</summary>
    Sso,
    /// <summary>A portal application's request to Signpost's OpenID Connect provider (docs/oidc-provider.md).</summary>
    OpenIdClient,
    /// <summary>A passkey on its own, without a password (docs/mfa.md, "Passkeys").</summary>
    Passkey,
}

/// <summary>
/// One record per attempt, success or failure, written before the response is sent (docs/design.md §4).
/// Never holds a password. <see cref="ReasonCode"/> is the exact reason support reads;
/// <see cref="ShownReasonCode"/> is what the person at the keyboard was allowed to see.
/// </summary>
public sealed class SignInEvent
{
    public const int MaxIdentifierLength = 256;
    public const int MaxUserAgentLength = 512;

    public long Id { get; set; }
    public required string TraceId { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    /// <summary>The identifier as typed (cut to <see cref="MaxIdentifierLength"/>); never the password.</summary>
    public string? Identifier { get; set; }
    /// <summary>How the identifier was read (username, email, npi), or how the account was named (link, ticket); null when unreadable.</summary>
    public string? IdentifierKind { get; set; }
    public Guid? AccountId { get; set; }
    public Guid? OrganizationId { get; set; }
    public SignInMethod Method { get; set; }
    public bool Succeeded { get; set; }
    public required string ReasonCode { get; set; }
    public required string ShownReasonCode { get; set; }
    /// <summary>Support-only detail: which check decided, counters, the failing field.</summary>
    public string? Detail { get; set; }
    public string? ClientIp { get; set; }
    public string? UserAgent { get; set; }
    public string? Browser { get; set; }
    public string? BrowserVersion { get; set; }
    public string? OperatingSystem { get; set; }
    public bool? BrowserSupported { get; set; }
    public string? ClientHints { get; set; }
    public bool? CookiesWorking { get; set; }
    public bool? JavaScriptWorking { get; set; }
    public bool TrustedDevicePresented { get; set; }
    public bool TrustedDeviceValid { get; set; }
    public string? NetworkLabel { get; set; }
    public string? SsoConnectionId { get; set; }
    public Guid? MaintenanceWindowId { get; set; }
}
