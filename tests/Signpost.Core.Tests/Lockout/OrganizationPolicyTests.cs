using Signpost.Core.Organizations;

namespace Signpost.Core.Tests.Lockout;

public sealed class OrganizationPolicyTests
{
    [Fact]
    public void Validate_Defaults_HasNoProblems()
    {
        // Arrange
        var policy = new OrganizationPolicy();

        // Act
        var problems = policy.Validate();

        // Assert
        Assert.Empty(problems);
        Assert.Null(policy.PasswordExpiryDays);
        Assert.Equal(BrowserPolicy.Warn, policy.BrowserPolicy);
        Assert.False(policy.RestrictToAllowedNetworks);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(101)]
    [InlineData(1000)]
    public void Validate_ThresholdOutsideOneToHundred_NamesTheThreshold(int threshold)
    {
        // Arrange
        var policy = new OrganizationPolicy { LockoutThreshold = threshold };

        // Act
        var problems = policy.Validate();

        // Assert
        var problem = Assert.Single(problems);
        Assert.Equal(nameof(OrganizationPolicy.LockoutThreshold), problem.Field);
        Assert.Contains("Lockout threshold", problem.Message, StringComparison.Ordinal);
        Assert.Contains("100", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(OrganizationPolicy.MaxLockoutThreshold)]
    public void Validate_ThresholdAtTheBounds_IsAccepted(int threshold)
    {
        // Arrange
        var policy = new OrganizationPolicy { LockoutThreshold = threshold };

        // Act
        var problems = policy.Validate();

        // Assert
        Assert.Empty(problems);
        Assert.Equal(100, OrganizationPolicy.MaxLockoutThreshold);
    }

    [Theory]
    [InlineData("window", "Lockout window")]
    [InlineData("duration", "Lockout duration")]
    [InlineData("expiry", "Password expiry")]
    [InlineData("idle", "Session idle timeout")]
    [InlineData("absolute", "Session absolute timeout")]
    public void Validate_OtherSettingOutOfRange_NamesThatSetting(string setting, string named)
    {
        // Arrange
        var policy = new OrganizationPolicy();
        switch (setting)
        {
            case "window": policy.LockoutWindowMinutes = 0; break;
            case "duration": policy.LockoutDurationMinutes = 24 * 60 + 1; break;
            case "expiry": policy.PasswordExpiryDays = 0; break;
            case "idle": policy.SessionIdleMinutes = 0; break;
            case "absolute": policy.SessionAbsoluteHours = 24 * 30 + 1; break;
        }

        // Act
        var problems = policy.Validate();

        // Assert
        var problem = Assert.Single(problems);
        Assert.StartsWith(named, problem.Message, StringComparison.Ordinal);
    }
}
