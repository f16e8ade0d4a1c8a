namespace Signpost.Core.Troubleshooting.Checks;

/// <summary>The checks Signpost ships with; the host registers each, and features add their own beside them.</summary>
public static class BuiltInChecks
{
    public static IReadOnlyList<Type> Types { get; } =
    [
        typeof(CredentialsCheck),
        typeof(MfaCheck),
        typeof(ResetCheck),
        typeof(AccountStateCheck),
        typeof(AvailabilityCheck),
        typeof(SsoCheck),
        typeof(BrowserCheck),
        typeof(NetworkCheck),
        typeof(AdminChangesCheck),
    ];

    /// <summary>One instance of each, for callers without a container (tests, tools).</summary>
    public static IReadOnlyList<ITroubleshootingCheck> Create() =>
        [new CredentialsCheck(), new MfaCheck(), new ResetCheck(), new AccountStateCheck(), new AvailabilityCheck(), new SsoCheck(), new BrowserCheck(), new NetworkCheck(), new AdminChangesCheck()];
}
