using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Accounts;
using Signpost.Core.CredentialAudits;
using Signpost.Core.Organizations;
using static Signpost.Core.Tests.CredentialAudits.AuditFacts;

namespace Signpost.Core.Tests.CredentialAudits;

/// <summary>Each finding of the credential audit at its boundary: one tick before it is not raised, at it it is.</summary>
public sealed class CredentialAuditBuilderTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static CredentialAuditReport Build(CredentialAuditFacts facts, CredentialAuditThresholds? thresholds = null)
    {
        var time = new FakeTimeProvider(Now);
        return CredentialAuditBuilder.Build(facts, thresholds ?? new CredentialAuditThresholds(), time.GetUtcNow());
    }

    public static TheoryData<string, AuditedMember, bool> Boundaries => new()
    {
        // An active staff member is inactive from exactly 90 days without a sign-in.
        { CredentialAuditBuilder.InactiveAccounts, Member("sam", lastSignInAgo: 90 * Day - Tick), false },
        { CredentialAuditBuilder.InactiveAccounts, Member("sam", lastSignInAgo: 90 * Day), true },
        // Never signed in: counted from the account's creation.
        { CredentialAuditBuilder.InactiveAccounts, Member("new", createdAgo: 90 * Day - Tick, lastSignInAgo: null) with { LastSignInAt = null }, false },
        { CredentialAuditBuilder.InactiveAccounts, Member("old", createdAgo: 90 * Day) with { LastSignInAt = null }, true },
        // A disabled account is not "inactive": it already has no access.
        { CredentialAuditBuilder.InactiveAccounts, Member("gone", status: AccountStatus.Disabled, lastSignInAgo: 400 * Day), false },
        // Admins have their own finding.
        { CredentialAuditBuilder.AdminsInactive, Admin("ada-idle", lastSignInAgo: 90 * Day - Tick), false },
        { CredentialAuditBuilder.AdminsInactive, Admin("ada-idle", lastSignInAgo: 90 * Day), true },
        // An invitation is overdue from exactly 14 days.
        { CredentialAuditBuilder.InvitationsOverdue, Member("invitee", status: AccountStatus.PendingActivation, createdAgo: 14 * Day - Tick), false },
        { CredentialAuditBuilder.InvitationsOverdue, Member("invitee", status: AccountStatus.PendingActivation, createdAgo: 14 * Day), true },
        // Locked while the lock holds; a lock ending now no longer counts.
        { CredentialAuditBuilder.LockedNow, Member("lee", lockedFor: TimeSpan.Zero), false },
        { CredentialAuditBuilder.LockedNow, Member("lee", lockedFor: Tick), true },
    };

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Build_AtEachFindingsBoundary_RaisesItOnlyFromTheThreshold(string code, AuditedMember member, bool raised)
    {
        // Arrange: a healthy admin besides the person under test, so only the finding under test can appear.
        var facts = Practice([Admin("ada"), member]);

        // Act
        var report = Build(facts);

        // Assert
        var finding = report.Findings.SingleOrDefault(f => f.Code == code);
        Assert.Equal(raised, finding is not null);
        if (raised)
        {
            Assert.Equal([member.Username], finding!.Usernames);
            Assert.Contains(code, report.Rows.Single(r => r.Member.Username == member.Username).Findings);
            Assert.False(string.IsNullOrWhiteSpace(finding.RecommendedAction));
        }
    }

    [Theory]
    [InlineData(30, 0, -1, false)]
    [InlineData(30, 0, 0, true)]
    [InlineData(30, 5, -1, false)]
    [InlineData(30, 5, 0, true)]
    public void Build_PasswordOlderThanExpiryPolicy_IsFoundWithTheExtensionCounted(int policyDays, int extension, int extraTicks, bool raised)
    {
        // Arrange: the password is exactly policy + extension days old, give or take a tick.
        var member = Member("pat", passwordAgo: TimeSpan.FromDays(policyDays + extension) + TimeSpan.FromTicks(extraTicks), extensionDays: extension);
        var facts = Practice([Admin("ada"), member], new OrganizationPolicy { PasswordExpiryDays = policyDays });

        // Act
        var report = Build(facts);

        // Assert
        Assert.Equal(raised, report.Findings.Any(f => f.Code == CredentialAuditBuilder.PasswordsPastExpiry));
        Assert.Equal(raised, report.Rows.Single(r => r.Member.Username == "pat").PasswordPastExpiry);
    }

    [Fact]
    public void Build_ExpiryOff_NeverFindsOldPasswords()
    {
        // Arrange
        var facts = Practice([Admin("ada"), Member("pat", passwordAgo: TimeSpan.FromDays(3000))]);

        // Act
        var report = Build(facts);

        // Assert
        Assert.DoesNotContain(report.Findings, f => f.Code == CredentialAuditBuilder.PasswordsPastExpiry);
        Assert.Equal(3000, report.Rows.Single(r => r.Member.Username == "pat").PasswordAgeDays);
    }

    [Theory]
    [InlineData(AccountStatus.Active, false)]
    [InlineData(AccountStatus.Disabled, true)]
    [InlineData(AccountStatus.PendingActivation, true)]
    public void Build_AdminAccountState_NoActiveAdminIsCriticalUnlessOneIsActive(AccountStatus adminStatus, bool raised)
    {
        // Arrange
        var facts = Practice([Member("ada", PracticeRoles.PracticeAdmin, adminStatus), Member("sam")]);

        // Act
        var report = Build(facts);

        // Assert
        var finding = report.Findings.SingleOrDefault(f => f.Code == CredentialAuditBuilder.NoActiveAdmin);
        Assert.Equal(raised, finding is not null);
        if (raised)
        {
            Assert.Equal(FindingSeverity.Critical, finding!.Severity);
            Assert.Same(finding, report.Findings[0]);
        }
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void Build_MoreAdminsThanTheThreshold_IsFound(int admins, bool raised)
    {
        // Arrange
        var facts = Practice(Enumerable.Range(1, admins).Select(i => Admin($"admin{i}")));

        // Act
        var report = Build(facts);

        // Assert
        Assert.Equal(raised, report.Findings.Any(f => f.Code == CredentialAuditBuilder.TooManyAdmins));
        Assert.Equal(admins, report.ActiveAdmins);
    }

    [Fact]
    public void Build_ThresholdsFromConfiguration_MoveTheBoundaries()
    {
        // Arrange: 30 days of inactivity and 3 days for an invitation.
        var facts = Practice([Admin("ada"), Member("sam", lastSignInAgo: 30 * Day), Member("ivy", status: AccountStatus.PendingActivation, createdAgo: 3 * Day)]);

        // Act
        var strict = Build(facts, new CredentialAuditThresholds { InactiveDays = 30, InvitationPendingDays = 3 });
        var lenient = Build(facts);

        // Assert
        Assert.Contains(strict.Findings, f => f.Code == CredentialAuditBuilder.InactiveAccounts);
        Assert.Contains(strict.Findings, f => f.Code == CredentialAuditBuilder.InvitationsOverdue);
        Assert.DoesNotContain(lenient.Findings, f => f.Code is CredentialAuditBuilder.InactiveAccounts or CredentialAuditBuilder.InvitationsOverdue);
    }

    [Fact]
    public void Build_SeveralInactiveAdmins_OneFindingCountsThemWithTheRecommendedAction()
    {
        // Arrange
        var facts = Practice([Admin("ada"), Admin("bo", 100 * Day), Admin("cy", 200 * Day), Admin("di", 91 * Day)]);

        // Act
        var report = Build(facts, new CredentialAuditThresholds { MaxAdmins = 10 });

        // Assert
        var finding = Assert.Single(report.Findings);
        Assert.Equal(CredentialAuditBuilder.AdminsInactive, finding.Code);
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal("3 admins have not signed in for 90+ days.", finding.Finding);
        Assert.StartsWith("Review whether they still need admin rights", finding.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(["bo", "cy", "di"], finding.Usernames);
    }

    [Fact]
    public void Build_RoleChangesInThePeriod_AreAnInfoFindingAndMfaIsAValueNotAFinding()
    {
        // Arrange
        var changes = new[] { new RoleChange(Now.AddDays(-3), "account:x (ada)", "membership.roles", "sam") };
        var facts = Practice([Admin("ada"), Member("sam")], changes: changes);

        // Act
        var report = Build(facts);

        // Assert
        var finding = Assert.Single(report.Findings);
        Assert.Equal((CredentialAuditBuilder.RoleChanges, FindingSeverity.Info), (finding.Code, finding.Severity));
        Assert.Equal("1 change to people and roles in the period.", finding.Finding);
        Assert.All(report.Rows, r => Assert.Equal("none", r.Mfa));
        Assert.DoesNotContain(report.Findings, f => f.Finding.Contains("MFA", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Build_HealthyPractice_HasNoFindingsAndRowsInUsernameOrder()
    {
        // Arrange
        var facts = Practice([Member("zed"), Admin("ada"), Member("Bea", PracticeRoles.Provider | PracticeRoles.Staff)]);

        // Act
        var report = Build(facts);

        // Assert
        Assert.Empty(report.Findings);
        Assert.Equal(["ada", "Bea", "zed"], report.Rows.Select(r => r.Member.Username));
        Assert.Equal("PracticeAdmin, Staff", report.Rows[0].RoleNames);
        Assert.Equal("Provider, Staff", report.Rows[1].RoleNames);
        Assert.Equal(1, report.Rows[2].DaysSinceSignIn);
    }

    [Fact]
    public void Build_SecondFactors_AreAValueInTheMfaColumn_NeverAFinding()
    {
        // Arrange
        var facts = Practice([Admin("ada") with { Authenticators = 1, Passkeys = 2 }, Member("sam") with { Passkeys = 1 }, Member("zed")]);

        // Act
        var report = Build(facts);

        // Assert
        Assert.Equal(["1 authenticator app, 2 passkeys", "1 passkey", "none"], report.Rows.Select(r => r.Mfa));
        Assert.DoesNotContain(report.Findings, f => f.Finding.Contains("MFA", StringComparison.OrdinalIgnoreCase));
    }
}
