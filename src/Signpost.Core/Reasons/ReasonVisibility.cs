namespace Signpost.Core.Reasons;

/// <summary>
/// Who may see the specific reason (docs/design.md §3 "Who sees what"). Anyone else sees the reason's
/// <see cref="Reason.PublicCode"/> instead, together with the trace ID that support can read.
/// </summary>
public enum ReasonVisibility
{
    /// <summary>Public facts (maintenance, a malformed form, an unsupported browser): shown to anyone.</summary>
    Anyone,

    /// <summary>Shown once the correct password was given (disabled, pending, expired...).</summary>
    PasswordProven,

    /// <summary>
    /// Shown only to a browser holding that account's trusted-device cookie (and in the unlock email):
    /// a lock shown to anyone else would confirm a guessed password.
    /// </summary>
    TrustedDevice,
}
