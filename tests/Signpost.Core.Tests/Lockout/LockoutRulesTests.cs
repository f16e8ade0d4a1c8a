using Signpost.Core.Lockout;
using Signpost.Core.Organizations;

namespace Signpost.Core.Tests.Lockout;

public sealed class LockoutRulesTests
{
    [Fact]
    public void Strictest_SeveralPolicies_TakesLowestThresholdLongestWindowLongestLock()
    {
        // Arrange
        OrganizationPolicy[] policies =
        [
            new() { LockoutThreshold = 10, LockoutWindowMinutes = 15, LockoutDurationMinutes = 15 },
            new() { LockoutThreshold = 5, LockoutWindowMinutes = 30, LockoutDurationMinutes = 10 },
            new() { LockoutThreshold = 20, LockoutWindowMinutes = 5, LockoutDurationMinutes = 60 },
        ];

        // Act
        var rules = LockoutRules.Strictest(policies);

        // Assert
        Assert.Equal(new LockoutRules(5, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60)), rules);
    }

    [Fact]
    public void Strictest_OnePolicy_IsThatPolicy()
    {
        // Arrange
        var policy = new OrganizationPolicy { LockoutThreshold = 7, LockoutWindowMinutes = 20, LockoutDurationMinutes = 45 };

        // Act
        var rules = LockoutRules.Strictest([policy]);

        // Assert
        Assert.Equal(LockoutRules.From(policy), rules);
        Assert.Equal(new LockoutRules(7, TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(45)), rules);
    }

    [Fact]
    public void Strictest_NoPolicies_IsTheDefault()
    {
        // Act
        var rules = LockoutRules.Strictest([]);

        // Assert
        Assert.Equal(LockoutRules.Default, rules);
        Assert.Equal(new LockoutRules(10, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15)), rules);
    }
}
