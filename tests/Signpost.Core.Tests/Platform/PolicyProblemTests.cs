using Signpost.Core.Organizations;

namespace Signpost.Core.Tests.Platform;

/// <summary>Every policy problem names the property it is about, so pages, the API and the CLI can say which field.</summary>
public sealed class PolicyProblemTests
{
    [Theory]
    [InlineData(nameof(OrganizationPolicy.LockoutThreshold))]
    [InlineData(nameof(OrganizationPolicy.LockoutWindowMinutes))]
    [InlineData(nameof(OrganizationPolicy.LockoutDurationMinutes))]
    [InlineData(nameof(OrganizationPolicy.PasswordExpiryDays))]
    [InlineData(nameof(OrganizationPolicy.PasswordHistoryCount))]
    [InlineData(nameof(OrganizationPolicy.SessionIdleMinutes))]
    [InlineData(nameof(OrganizationPolicy.SessionAbsoluteHours))]
    [InlineData(nameof(OrganizationPolicy.BrowserPolicy))]
    public void Validate_OneBadValue_ProblemNamesExactlyThatField(string field)
    {
        // Arrange: -1 is out of range for every number; 7 is no browser policy.
        var policy = new OrganizationPolicy();
        if (field == nameof(OrganizationPolicy.BrowserPolicy))
        {
            policy.BrowserPolicy = (BrowserPolicy)7;
        }
        else
        {
            var property = typeof(OrganizationPolicy).GetProperty(field)!;
            property.SetValue(policy, -1);
        }

        // Act
        var problems = policy.Validate();

        // Assert
        var problem = Assert.Single(problems);
        Assert.Equal(field, problem.Field);
        Assert.EndsWith(".", problem.Message, StringComparison.Ordinal);
        Assert.Equal(problem.Message, problem.ToString());
    }
}
