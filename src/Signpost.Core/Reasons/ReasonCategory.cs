namespace Signpost.Core.Reasons;

/// <summary>The families of docs/design.md §3; every reason code belongs to exactly one.</summary>
public enum ReasonCategory
{
    Success,
    Request,
    Credentials,
    AccountState,
    Sso,
    Mfa,
    NetworkAndDevice,
    Maintenance,
}
