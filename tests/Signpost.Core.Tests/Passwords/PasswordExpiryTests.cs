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
}
