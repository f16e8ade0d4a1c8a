using Microsoft.EntityFrameworkCore;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Platform;

/// <summary><c>signpost orgs policy</c> still works, and a bad value is refused with the setting named and nothing stored.</summary>
public sealed class PolicyCliTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task OrgsPolicy_ThresholdOutOfRange_NamesItAndStoresNothing_ThenAValidChangeIsStored()
    {
        // Arrange
        var slug = TestAccounts.Unique("clipolicy");
        var organization = await app.CreateOrganizationAsync(slug, "CLI Policy Clinic");

        // Act
        var refused = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, "orgs", "policy", "--slug", slug, "--lockout-threshold", "200", "--session-idle", "0");
        var unchanged = await app.WithDbAsync(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Id == organization.Id));
        var accepted = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, "orgs", "policy", "--slug", slug, "--lockout-threshold", "4");
        var changed = await app.WithDbAsync(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Id == organization.Id));

        // Assert
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal(
            ["signpost: Lockout threshold must be between 1 and 100 failures (NIST SP 800-63B). Session idle timeout must be between 1 minute and 24 hours."],
            refused.StderrLines);
        Assert.Equal((10, 15), (unchanged.Policy.LockoutThreshold, unchanged.Policy.SessionIdleMinutes));
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Contains("lockout: 4 failures in 15 min", accepted.Stdout, StringComparison.Ordinal);
        Assert.Equal(4, changed.Policy.LockoutThreshold);
    }
}
