using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Passwords;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Passwords;

/// <summary>
/// The cheap hasher of the test hosts is a code-only seam: configuration cannot lower the cost of a real
/// host, and the hosts that claim the production cost really hash at it (docs/testing.md).
/// </summary>
public sealed class PasswordCostTests
{
    [Fact]
    public async Task Configuration_BelowTheMinimum_HostRefusesToStart()
    {
        // Act: the production hasher (no test seam), asked for fewer iterations through configuration.
        var run = await ServeRefusal.RunAsync("Signpost:PasswordHashing:Iterations=209999");

        // Assert
        Assert.Equal(["signpost: configuration: Signpost:PasswordHashing:Iterations must be at least 210000 (OWASP, PBKDF2-HMAC-SHA512)."], run.StderrLines);
    }

    [Fact]
    public async Task RealCostApp_HashesStoredAtTheProductionCost()
    {
        // Arrange
        await using var app = new RealCostApp();
        var slug = TestAccounts.Unique("cost");
        await app.CreateOrganizationAsync(slug, "Cost Clinic");

        // Act
        var account = await app.CreateAccountAsync(TestAccounts.Unique("real"), slug);

        // Assert
        Assert.Equal(PasswordHashingOptions.MinimumIterations, app.Services.GetRequiredService<PasswordHashing>().Iterations);
        Assert.Equal(PasswordHashingOptions.MinimumIterations, await StoredIterationsAsync(app, account.Id));
    }

    [Fact]
    public async Task DefaultTestHost_HashesCheaply()
    {
        // Arrange
        await using var app = new SignpostFactory();
        var slug = TestAccounts.Unique("cheap");
        await app.CreateOrganizationAsync(slug, "Cheap Clinic");

        // Act
        var account = await app.CreateAccountAsync(TestAccounts.Unique("cheap"), slug);

        // Assert
        Assert.Equal(SignpostFactory.CheapIterations, await StoredIterationsAsync(app, account.Id));
    }

    /// <summary>The iteration count inside an Identity V3 hash: bytes 5–8, big-endian.</summary>
    private static async Task<int> StoredIterationsAsync(SignpostFactory app, Guid accountId)
    {
        var hash = await app.WithDbAsync(db => db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.PasswordHash).SingleAsync());
        var bytes = Convert.FromBase64String(hash!);
        return (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5, 4));
    }
}
