using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting;

/// <summary>The seed's eight steps (docs/design.md §5), their titles, and which step owns each reason code.</summary>
public static class TroubleshootingSteps
{
    public const int ConfirmCredentials = 1;
    public const int TestPasswordReset = 2;
    public const int CheckAccountState = 3;
    public const int EvaluateSignOnMethod = 4;
    public const int BrowserAndDevice = 5;
    public const int NetworkPath = 6;
    public const int AdminConsoleReview = 7;
    public const int ContactSupport = 8;

    /// <summary>The seed's titles, in order.</summary>
    public static IReadOnlyList<string> Titles { get; } =
    [
        "Confirm credentials",
        "Test password reset",
        "Check account state",
        "Evaluate sign-on method",
        "Browser and device hygiene",
        "Network path check",
        "Admin console review",
        "Contact support",
    ];

    public static string Title(int step) => Titles[step - 1];

    /// <summary>
    /// The step where an attempt's own reason is reported. Maintenance belongs to step 4: whether the
    /// sign-on method (password or the organization's SSO) is available at all. MFA belongs to step 1:
    /// the second factor is part of the credentials.
    /// </summary>
    public static int StepFor(string reasonCode)
    {
        var reason = ReasonCatalogue.Get(reasonCode);
        return reasonCode switch
        {
            ReasonCodes.ResetRequested or ReasonCodes.PasswordReset or ReasonCodes.UnlockRequested or ReasonCodes.AccountUnlocked
                or ReasonCodes.AccountActivated or ReasonCodes.ResetLinkInvalid or ReasonCodes.ResetLinkExpired or ReasonCodes.ResetLinkUsed
                or ReasonCodes.ResetLinkOtherAccount or ReasonCodes.PasswordNotAccepted => TestPasswordReset,
            ReasonCodes.PasswordExpired or ReasonCodes.PasswordResetRequired => CheckAccountState,
            ReasonCodes.NetworkNotAllowed or ReasonCodes.RateLimited => NetworkPath,
            ReasonCodes.SignedInBrowserWarning => BrowserAndDevice,
            _ => reason.Category switch
            {
                ReasonCategory.AccountState => CheckAccountState,
                ReasonCategory.Sso or ReasonCategory.Maintenance => EvaluateSignOnMethod,
                ReasonCategory.NetworkAndDevice => BrowserAndDevice,
                _ => ConfirmCredentials,
            },
        };
    }
}
