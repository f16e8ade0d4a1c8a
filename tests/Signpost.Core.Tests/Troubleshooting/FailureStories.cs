using Signpost.Core.Escalation;
using Signpost.Core.Escalation.Rules;
using Signpost.Core.Events;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.Troubleshooting;
using static Signpost.Core.Escalation.EscalationTarget;

namespace Signpost.Core.Tests.Troubleshooting;

/// <summary>One failure story: how the scene is set and played, and what the troubleshooter must conclude.</summary>
/// <param name="Name">What happened, in a few words.</param>
/// <param name="Play">Sets the facts, plays the attempts, and diagnoses (by trace or by account).</param>
/// <param name="RootCause">The expected root cause.</param>
/// <param name="EscalateTo">The expected escalation targets; empty when nobody needs telling.</param>
/// <param name="Rule">The escalation rule expected to fire, when one should.</param>
public sealed record FailureStory(string Name, Func<Scene, Task<Diagnosis>> Play, string? RootCause, EscalationTarget[] EscalateTo, string? Rule = null)
{
    public override string ToString() => Name;
}

/// <summary>The table of stories the scenario suite plays; every catalogue code is some story's root cause.</summary>
public static class FailureStories
{
    private static readonly EscalationTarget[] Nobody = [];
    private static readonly EscalationTarget[] Organization = [PlatformOperators, PracticeAdmins];

    public static IReadOnlyList<FailureStory> All { get; } =
    [
        // Successes: the attempt is its own answer.
        new("signs in first time", async s => { s.Attempt(ReasonCodes.SignedIn); return await s.DiagnoseTraceAsync(); }, ReasonCodes.SignedIn, Nobody),
        new("signs in after two typos", async s => { s.Attempts(2, ReasonCodes.InvalidCredentials); s.Attempt(ReasonCodes.SignedIn); return await s.DiagnoseAccountAsync(); }, ReasonCodes.SignedIn, Nobody),
        new("signs in from an old Chrome the practice only warns about", async s =>
        {
            s.Attempt(ReasonCodes.SignedInBrowserWarning, userAgent: TestBrowsers.Chrome120Windows);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.SignedInBrowserWarning, Nobody),
        new("activates the account from the invitation", async s => { s.Attempt(ReasonCodes.AccountActivated, method: SignInMethod.Activation); return await s.DiagnoseTraceAsync(); }, ReasonCodes.AccountActivated, Nobody),
        new("asks for a reset link", async s => { s.Attempt(ReasonCodes.ResetRequested, method: SignInMethod.PasswordReset); return await s.DiagnoseTraceAsync(); }, ReasonCodes.ResetRequested, Nobody),
        new("completes a reset", async s =>
        {
            s.Attempt(ReasonCodes.ResetRequested, method: SignInMethod.PasswordReset);
            s.Attempt(ReasonCodes.PasswordReset, method: SignInMethod.PasswordReset);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.PasswordReset, Nobody),
        new("asks for an unlock email", async s => { s.Attempt(ReasonCodes.UnlockRequested, method: SignInMethod.Unlock); return await s.DiagnoseTraceAsync(); }, ReasonCodes.UnlockRequested, Nobody),
        new("unlocks by email", async s => { s.Attempt(ReasonCodes.AccountUnlocked, method: SignInMethod.Unlock); return await s.DiagnoseTraceAsync(); }, ReasonCodes.AccountUnlocked, Nobody),

        // Credentials.
        new("an app posts an empty identifier", async s => { s.Stranger("", "unreadable", ReasonCodes.InvalidRequest); return await s.DiagnoseTraceAsync(); }, ReasonCodes.InvalidRequest, Nobody),
        new("types an NPI nobody has", async s => { s.Stranger("1234567894", "npi"); return await s.DiagnoseTraceAsync(); }, ReasonCodes.InvalidCredentials, Nobody),
        new("wrong password three times", async s => { s.Attempts(3, ReasonCodes.InvalidCredentials); return await s.DiagnoseAccountAsync(); }, ReasonCodes.InvalidCredentials, Nobody),
        new("one wrong password after a completed reset", async s =>
        {
            s.Attempt(ReasonCodes.ResetRequested, method: SignInMethod.PasswordReset);
            s.Attempt(ReasonCodes.PasswordReset, method: SignInMethod.PasswordReset);
            s.Attempt(ReasonCodes.InvalidCredentials);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.InvalidCredentials, Nobody),
        new("still refused after a completed reset", async s =>
        {
            s.Attempts(2, ReasonCodes.InvalidCredentials);
            s.Attempt(ReasonCodes.ResetRequested, method: SignInMethod.PasswordReset);
            s.Attempt(ReasonCodes.PasswordReset, method: SignInMethod.PasswordReset);
            s.Attempt(ReasonCodes.InvalidCredentials);
            s.Attempt(ReasonCodes.InvalidCredentials, e => { e.Browser = "Firefox"; e.BrowserVersion = "157.0"; });
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.InvalidCredentials, [PayerSupport], InvalidCredentialsRules.AfterResetId),
        new("password older than the practice allows", async s =>
        {
            s.Practice.Policy.PasswordExpiryDays = 90;
            s.Person.PasswordChangedAt = Scene.Start.AddDays(-100);
            s.Attempt(ReasonCodes.PasswordExpired);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.PasswordExpired, Nobody),
        new("admin required a new password", async s =>
        {
            s.Person.MustChangePassword = true;
            s.AdminChange("account.require_password_change");
            s.Attempt(ReasonCodes.PasswordResetRequired);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.PasswordResetRequired, Nobody),
        new("new password on the blocklist", async s => { s.Attempt(ReasonCodes.PasswordNotAccepted, method: SignInMethod.PasswordReset); return await s.DiagnoseTraceAsync(); }, ReasonCodes.PasswordNotAccepted, Nobody),
        new("link cut by the mail program", async s => { s.Attempt(ReasonCodes.ResetLinkInvalid, method: SignInMethod.PasswordReset); return await s.DiagnoseTraceAsync(); }, ReasonCodes.ResetLinkInvalid, Nobody),
        new("link opened the next morning", async s => { s.Attempt(ReasonCodes.ResetLinkExpired, method: SignInMethod.PasswordReset); return await s.DiagnoseTraceAsync(); }, ReasonCodes.ResetLinkExpired, Nobody),
        new("resets fail twice within 15 minutes", async s =>
        {
            s.Attempt(ReasonCodes.ResetLinkExpired, method: SignInMethod.PasswordReset);
            s.Advance(TimeSpan.FromMinutes(5));
            s.Attempt(ReasonCodes.ResetLinkUsed, method: SignInMethod.PasswordReset);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.ResetLinkUsed, Nobody),
        new("resets fail three times within 15 minutes", async s =>
        {
            s.Attempt(ReasonCodes.ResetLinkExpired, method: SignInMethod.PasswordReset);
            s.Advance(TimeSpan.FromMinutes(5));
            s.Attempt(ReasonCodes.ResetLinkUsed, method: SignInMethod.PasswordReset);
            s.Advance(TimeSpan.FromMinutes(5));
            s.Attempt(ReasonCodes.ResetLinkUsed, method: SignInMethod.PasswordReset);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.ResetLinkUsed, [PayerSupport], InvalidCredentialsRules.ResetFailuresId),
        new("colleague's link opened on a shared computer", async s => { s.Attempt(ReasonCodes.ResetLinkOtherAccount, method: SignInMethod.PasswordReset); return await s.DiagnoseTraceAsync(); }, ReasonCodes.ResetLinkOtherAccount, Nobody),

        // Account state.
        new("locked after ten wrong passwords", async s =>
        {
            s.Attempts(10, ReasonCodes.InvalidCredentials);
            s.Lock(s.Time.GetUtcNow().AddMinutes(15));
            s.Attempt(ReasonCodes.AccountLocked);
            return await s.DiagnoseAccountAsync();
        }, ReasonCodes.AccountLocked, Nobody),
        new("lock outlasts the maintenance window it met", async s =>
        {
            s.Window(Scene.Start.AddHours(1), Scene.Start.AddHours(2));
            s.Advance(TimeSpan.FromMinutes(50));
            s.Attempts(5, ReasonCodes.InvalidCredentials);
            s.Lock(s.Time.GetUtcNow().AddHours(2));
            s.Advance(TimeSpan.FromMinutes(70));
            s.Attempt(ReasonCodes.AccountLocked);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.AccountLocked, [PayerSupport], LockOutlastsMaintenanceRule.Id),
        new("disabled by the practice admin yesterday", async s =>
        {
            s.Person.Status = Signpost.Core.Accounts.AccountStatus.Disabled;
            s.AdminChange("account.disable");
            s.Advance(TimeSpan.FromHours(20));
            s.Attempt(ReasonCodes.AccountDisabled);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.AccountDisabled, Nobody),
        new("never used the invitation", async s =>
        {
            s.Person.Status = Signpost.Core.Accounts.AccountStatus.PendingActivation;
            s.Attempt(ReasonCodes.AccountPendingActivation);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.AccountPendingActivation, Nobody),
        new("held for review after a breach", async s =>
        {
            s.Person.Flagged = true;
            s.Attempt(ReasonCodes.AccountFlagged);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.AccountFlagged, [PayerSupport], DiagnosisEscalation.FlaggedAlways),
        new("removed from the practice", async s =>
        {
            s.Person.Memberships[0].Status = Signpost.Core.Accounts.MembershipStatus.Removed;
            s.AdminChange("membership.remove", "membership", s.Person.Memberships[0].Id.ToString());
            s.Attempt(ReasonCodes.NoActiveMembership);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.NoActiveMembership, Nobody),

        // SSO: events carry the codes although no path emits them yet.
        new("identity provider does not answer", async s =>
        {
            s.Facts.Sso[s.Practice.Id] = new SsoHealth("harbor-entra", Reachable: false, true, null, Scene.Start, "connect timeout", Required: false);
            s.Attempt(ReasonCodes.SsoTokenInvalid, e => e.SsoConnectionId = "harbor-entra");
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.SsoProviderUnreachable, Nobody),
        new("client secret rejected by the provider", async s => { s.Attempt(ReasonCodes.SsoProviderMisconfigured, e => e.SsoConnectionId = "harbor-entra"); return await s.DiagnoseTraceAsync(); },
            ReasonCodes.SsoProviderMisconfigured, Organization, DiagnosisEscalation.SsoAlways),
        new("signing certificate expired", async s =>
        {
            s.Facts.Sso[s.Practice.Id] = new SsoHealth("harbor-entra", true, true, Scene.Start.AddDays(-1), Scene.Start, null, Required: false);
            s.Attempt(ReasonCodes.SsoTokenInvalid, e => e.SsoConnectionId = "harbor-entra");
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.SsoSignatureInvalid, Organization, DiagnosisEscalation.SsoAlways),
        new("three users' SSO tokens rejected", async s =>
        {
            var rae = s.AddPerson("rae", s.Practice);
            var sam = s.AddPerson("sam", s.Practice);
            s.Attempt(ReasonCodes.SsoTokenInvalid, by: rae);
            s.Attempt(ReasonCodes.SsoTokenInvalid, by: sam);
            s.Attempt(ReasonCodes.SsoTokenInvalid);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.SsoTokenInvalid, Organization, SsoMisconfigurationRule.Id),
        new("two users' SSO tokens rejected", async s =>
        {
            var rae = s.AddPerson("rae", s.Practice);
            s.Attempt(ReasonCodes.SsoTokenInvalid, by: rae);
            s.Attempt(ReasonCodes.SsoTokenInvalid);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.SsoTokenInvalid, Nobody),
        new("one user's SSO token rejected", async s => { s.Attempt(ReasonCodes.SsoTokenInvalid); return await s.DiagnoseTraceAsync(); }, ReasonCodes.SsoTokenInvalid, Nobody),
        new("SSO works but no account is linked", async s => { s.Attempt(ReasonCodes.SsoUserNotLinked); return await s.DiagnoseTraceAsync(); }, ReasonCodes.SsoUserNotLinked, Nobody),
        new("types a password where SSO is required", async s => { s.Attempt(ReasonCodes.SsoRequired); return await s.DiagnoseTraceAsync(); }, ReasonCodes.SsoRequired, Nobody),
        new("cancels at the provider", async s => { s.Attempt(ReasonCodes.SsoCancelled); return await s.DiagnoseTraceAsync(); }, ReasonCodes.SsoCancelled, Nobody),

        // MFA.
        new("asked for a code, never entered one", async s => { s.Attempt(ReasonCodes.MfaRequired); return await s.DiagnoseTraceAsync(); }, ReasonCodes.MfaRequired, Nobody),
        new("mistypes the verification code", async s => { s.Attempt(ReasonCodes.MfaCodeInvalid); return await s.DiagnoseTraceAsync(); }, ReasonCodes.MfaCodeInvalid, Nobody),
        new("phone clock runs two minutes fast", async s => { s.Attempt(ReasonCodes.MfaClockSkew); return await s.DiagnoseTraceAsync(); }, ReasonCodes.MfaClockSkew, Nobody),
        new("practice requires MFA, none enrolled", async s => { s.Attempt(ReasonCodes.MfaNotEnrolled); return await s.DiagnoseTraceAsync(); }, ReasonCodes.MfaNotEnrolled, Nobody),
        new("too many wrong codes", async s => { s.Attempts(5, ReasonCodes.MfaCodeInvalid); s.Attempt(ReasonCodes.MfaLocked); return await s.DiagnoseTraceAsync(); }, ReasonCodes.MfaLocked, Nobody),

        // Network and device.
        new("Internet Explorer at a practice that blocks", async s =>
        {
            s.Practice.Policy.BrowserPolicy = BrowserPolicy.Block;
            s.Attempt(ReasonCodes.BrowserUnsupported, userAgent: TestBrowsers.InternetExplorer11);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.BrowserUnsupported, Nobody),
        new("updated Chrome and still refused", async s =>
        {
            s.Practice.Policy.BrowserPolicy = BrowserPolicy.Block;
            s.Attempt(ReasonCodes.BrowserUnsupported, userAgent: TestBrowsers.Chrome120Windows);
            s.Attempt(ReasonCodes.BrowserUnsupported, userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36");
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.BrowserUnsupported, [PayerSupport], BrowserUpdateRule.Id),
        new("privacy extension blocks cookies", async s => { s.Attempt(ReasonCodes.CookiesDisabled, e => e.CookiesWorking = false); return await s.DiagnoseTraceAsync(); }, ReasonCodes.CookiesDisabled, Nobody),
        new("VPN egress outside the allow-list", async s =>
        {
            AllowListOn(s);
            s.Attempt(ReasonCodes.SignedIn);
            s.Attempt(ReasonCodes.NetworkNotAllowed, e => { e.ClientIp = "198.51.100.7"; e.NetworkLabel = "VPN egress"; });
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.NetworkNotAllowed, Nobody),
        new("refused from every network tried", async s =>
        {
            AllowListOn(s);
            s.Attempt(ReasonCodes.NetworkNotAllowed, e => { e.ClientIp = "198.51.100.7"; e.NetworkLabel = "VPN egress"; });
            s.Attempt(ReasonCodes.NetworkNotAllowed, e => { e.ClientIp = "192.0.2.55"; e.NetworkLabel = "unknown"; });
            return await s.DiagnoseAccountAsync();
        }, ReasonCodes.NetworkNotAllowed, [PayerSupport], EveryNetworkFailsRule.Id),
        new("a script hammers from one address", async s => { s.Attempts(3, ReasonCodes.RateLimited); return await s.DiagnoseTraceAsync(); }, ReasonCodes.RateLimited, Nobody),
        new("submits a page cached since yesterday", async s => { s.Attempt(ReasonCodes.StaleForm); return await s.DiagnoseTraceAsync(); }, ReasonCodes.StaleForm, Nobody),

        // Maintenance.
        new("signs in during planned maintenance", async s =>
        {
            s.Window(Scene.Start, Scene.Start.AddHours(2));
            s.Attempt(ReasonCodes.MaintenanceWindow);
            return await s.DiagnoseTraceAsync();
        }, ReasonCodes.MaintenanceWindow, Nobody),
        new("locked, and maintenance is in force now", async s =>
        {
            s.Attempts(10, ReasonCodes.InvalidCredentials);
            s.Lock(s.Time.GetUtcNow().AddMinutes(30));
            s.Window(s.Time.GetUtcNow(), s.Time.GetUtcNow().AddHours(1));
            s.Attempt(ReasonCodes.InvalidCredentials);
            return await s.DiagnoseAccountAsync();
        }, ReasonCodes.MaintenanceWindow, Nobody),
        new("database down for a minute", async s => { s.Attempts(2, ReasonCodes.ServiceDegraded); return await s.DiagnoseTraceAsync(); }, ReasonCodes.ServiceDegraded, Nobody),

        // Nothing to diagnose.
        new("an account with no attempts", s => s.DiagnoseAccountAsync(), null, Nobody),
    ];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var story in All)
        {
            data.Add(story.Name);
        }

        return data;
    }

    public static FailureStory Named(string name) => All.Single(s => s.Name == name);

    private static void AllowListOn(Scene s)
    {
        s.Practice.Policy.RestrictToAllowedNetworks = true;
        s.Practice.NetworkRanges.Add(new NetworkRange { Cidr = "203.0.113.0/24", Label = "LAN" });
        s.Practice.NetworkRanges.Add(new NetworkRange { Cidr = "198.51.100.0/24", Label = "VPN egress", Allowed = false });
    }
}
