namespace Signpost.Core.Reasons;

/// <summary>The stable reason codes, as constants so code never spells one twice.</summary>
public static class ReasonCodes
{
    public const string SignedIn = "signed_in";
    public const string SignedInBrowserWarning = "signed_in_browser_warning";
    public const string AccountActivated = "account_activated";
    public const string ResetRequested = "reset_requested";
    public const string PasswordReset = "password_reset";
    public const string UnlockRequested = "unlock_requested";
    public const string AccountUnlocked = "account_unlocked";
    public const string InvalidRequest = "invalid_request";

    public const string OidcClientUnknown = "oidc_client_unknown";
    public const string OidcRedirectUriMismatch = "oidc_redirect_uri_mismatch";
    public const string OidcPracticeNotAllowed = "oidc_practice_not_allowed";
    public const string OidcLoginRequired = "oidc_login_required";
    public const string OidcRequestRefused = "oidc_request_refused";
    public const string OidcClientAuthenticationFailed = "oidc_client_authentication_failed";
    public const string OidcGrantInvalid = "oidc_grant_invalid";
    public const string OidcGrantReplayed = "oidc_grant_replayed";

    public const string InvalidCredentials = "invalid_credentials";
    public const string PasswordExpired = "password_expired";
    public const string PasswordResetRequired = "password_reset_required";
    public const string PasswordNotAccepted = "password_not_accepted";
    public const string ResetLinkInvalid = "reset_link_invalid";
    public const string ResetLinkExpired = "reset_link_expired";
    public const string ResetLinkUsed = "reset_link_used";
    public const string ResetLinkOtherAccount = "reset_link_other_account";

    public const string AccountLocked = "account_locked";
    public const string AccountDisabled = "account_disabled";
    public const string AccountPendingActivation = "account_pending_activation";
    public const string AccountFlagged = "account_flagged";
    public const string NoActiveMembership = "no_active_membership";

    public const string SsoProviderUnreachable = "sso_provider_unreachable";
    public const string SsoProviderMisconfigured = "sso_provider_misconfigured";
    public const string SsoSignatureInvalid = "sso_signature_invalid";
    public const string SsoTokenInvalid = "sso_token_invalid";
    public const string SsoUserNotLinked = "sso_user_not_linked";
    public const string SsoRequired = "sso_required";
    public const string SsoCancelled = "sso_cancelled";

    public const string MfaRequired = "mfa_required";
    public const string MfaCodeInvalid = "mfa_code_invalid";
    public const string MfaClockSkew = "mfa_clock_skew";
    public const string MfaNotEnrolled = "mfa_not_enrolled";
    public const string MfaLocked = "mfa_locked";

    public const string BrowserUnsupported = "browser_unsupported";
    public const string CookiesDisabled = "cookies_disabled";
    public const string NetworkNotAllowed = "network_not_allowed";
    public const string RateLimited = "rate_limited";
    public const string StaleForm = "stale_form";

    public const string MaintenanceWindow = "maintenance_window";
    public const string ServiceDegraded = "service_degraded";
}
