using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Core.Passwords;

namespace Signpost.Core.Tests.Passwords;

public sealed class PasswordExpiryTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static Account AccountChangedDaysAgo(double days, int extensionDays = 0) => new()
    {
        Username = "jordan.lee",
        Email = "jordan@clinic.example",
        DisplayName = "Jordan Lee",
        PasswordChangedAt = Now - TimeSpan.FromDays(days),
        PasswordExpiryExtensionDays = extensionDays,
    };

    private static Organization Practice(int? expiryDays) => new()
    {
        Slug = $"practice-{expiryDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off"}",
        Name = "Practice",
        Policy = new OrganizationPolicy { PasswordExpiryDays = expiryDays },
    };

    [Fact]
    public void ExpiredAt_DefaultPolicy_NeverExpires()
    {
        // Arrange
        var account = AccountChangedDaysAgo(3650);

        // Act
        var expiredAt = PasswordExpiry.ExpiredAt(account, [new Organization { Slug = "p", Name = "P" }], Now);

        // Assert
        Assert.Null(expiredAt);
    }

    [Theory]
    [InlineData(89.9, false)]
    [InlineData(90, true)]
    [InlineData(400, true)]
    public void ExpiredAt_NinetyDayPolicy_ExpiresNinetyDaysAfterTheChange(double daysAgo, bool expired)
    {
        // Arrange
        var account = AccountChangedDaysAgo(daysAgo);

        // Act
        var expiredAt = PasswordExpiry.ExpiredAt(account, [Practice(90)], Now);

        // Assert
        Assert.Equal(expired ? account.PasswordChangedAt!.Value.AddDays(90) : null, expiredAt);
    }

    [Theory]
    [InlineData(95, false)]
    [InlineData(100, true)]
    public void ExpiredAt_WithExtension_AddsTheExtensionDays(double daysAgo, bool expired)
    {
        // Arrange
        var account = AccountChangedDaysAgo(daysAgo, extensionDays: 10);

        // Act
        var expiredAt = PasswordExpiry.ExpiredAt(account, [Practice(90)], Now);

        // Assert
        Assert.Equal(expired ? account.PasswordChangedAt!.Value.AddDays(100) : null, expiredAt);
    }

    [Fact]
    public void ExpiredAt_SeveralOrganizations_TheShortestExpiryDecides()
    {
        // Arrange
        var account = AccountChangedDaysAgo(45);

        // Act
        var expiredAt = PasswordExpiry.ExpiredAt(account, [Practice(null), Practice(90), Practice(30)], Now);

        // Assert
        Assert.Equal(account.PasswordChangedAt!.Value.AddDays(30), expiredAt);
    }

    [Fact]
    public void ExpiredAt_NoOrganizations_NeverExpires()
    {
        // Act
        var expiredAt = PasswordExpiry.ExpiredAt(AccountChangedDaysAgo(3650), [], Now);

        // Assert
        Assert.Null(expiredAt);
    }

    [Fact]
    public void ExpiredAt_NoChangeTimeRecorded_CountsFromCreation()
    {
        // Arrange: an imported account without a change date is not exempt from the practice's expiry.
        var account = AccountChangedDaysAgo(0);
        account.PasswordChangedAt = null;
        account.CreatedAt = Now - TimeSpan.FromDays(40);

        // Act
        var expiredAt = PasswordExpiry.ExpiredAt(account, [Practice(30)], Now);

        // Assert
        Assert.Equal(account.CreatedAt.AddDays(30), expiredAt);
    }

    [Fact]
    public void ExpiresAt_ExpiryOff_Null()
    {
        var expiresAt = PasswordExpiry.ExpiresAt(AccountChangedDaysAgo(3650), [Practice(null)]);

        Assert.Null(expiresAt);
    }

    [Theory]
    [InlineData(10, 0, 80)]
    [InlineData(100, 0, -10)]
    [InlineData(100, 30, 20)]
    public void ExpiresAt_BeforeAndAfterExpiry_TheSameInstantExpiredAtReports(double daysAgo, int extensionDays, double daysFromNow)
    {
        // Arrange
        var account = AccountChangedDaysAgo(daysAgo, extensionDays);

        // Act
        var expiresAt = PasswordExpiry.ExpiresAt(account, [Practice(90), Practice(null)]);
        var expiredAt = PasswordExpiry.ExpiredAt(account, [Practice(90), Practice(null)], Now);

        // Assert: one rule; ExpiredAt is ExpiresAt once it has passed.
        Assert.Equal(Now.AddDays(daysFromNow), expiresAt);
        Assert.Equal(daysFromNow <= 0 ? expiresAt : null, expiredAt);
    }

    [Theory]
    [InlineData(14.0, 14)]
    [InlineData(13.1, 14)]
    [InlineData(1.0, 1)]
    [InlineData(0.001, 1)]
    [InlineData(0.0, 0)]
    [InlineData(-2.0, 0)]
    public void DaysLeft_PartDays_RoundUp(double daysLeft, int expected)
    {
        Assert.Equal(expected, PasswordExpiry.DaysLeft(Now.AddDays(daysLeft), Now));
    }

    [Fact]
    public void OrganizationsOf_OnlyMembershipsThatGiveAccess()
    {
        // Arrange
        var account = AccountChangedDaysAgo(0);
        var active = Practice(30);
        var removed = Practice(7);
        var noRole = Practice(1);
        account.Memberships.Add(new Membership { OrganizationId = active.Id, Organization = active });
        account.Memberships.Add(new Membership { OrganizationId = removed.Id, Organization = removed, Status = MembershipStatus.Removed });
        account.Memberships.Add(new Membership { OrganizationId = noRole.Id, Organization = noRole, Roles = PracticeRoles.None });

        // Act
        var organizations = PasswordExpiry.OrganizationsOf(account);

        // Assert
        Assert.Equal([active], organizations);
        Assert.Equal(Now.AddDays(30), PasswordExpiry.ExpiresAt(account, organizations));
    }
}
