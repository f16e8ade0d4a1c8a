using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Web.Setup;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Cli;

/// <summary>
/// Two nodes started at once on a new database both run the first-run check (docs/cli.md, "What a start costs"): both
/// find no platform administrator and both create one. The loser of that race must not stop its node; it uses the
/// administrator the other created (seen in the bench, where the second server on a fresh data set exited).
/// </summary>
public sealed class FirstRunRaceTests
{
    [Fact]
    public async Task EnsurePlatformAdmin_TenNodesAtOnceOnANewDatabase_EachGetsALink_OneAdminIsCreated()
    {
        // Arrange: the host's own first-run check has ended (it made the pending admin); that account is then made an
        // ordinary one under another name, so the database again holds no platform administrator.
        await using var app = new SignpostFactory();
        await app.FirstRunCheckedAsync();
        await app.WithDbAsync(db => db.Accounts.Where(a => a.PlatformRoles != PlatformRoles.None).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.PlatformRoles, PlatformRoles.None)
            .SetProperty(a => a.Username, "first-run-before").SetProperty(a => a.NormalizedUsername, "FIRST-RUN-BEFORE")
            .SetProperty(a => a.Email, "first-run-before@signpost.invalid").SetProperty(a => a.NormalizedEmail, "FIRST-RUN-BEFORE@SIGNPOST.INVALID")));
        Assert.False(await app.WithDbAsync(db => db.Accounts.AnyAsync(a => a.PlatformRoles != PlatformRoles.None)));

        // Act: ten checks at once, each in a scope (and so a database connection) of its own, as ten nodes' would be.
        using var go = new ManualResetEventSlim();
        var checks = Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var bootstrap = scope.ServiceProvider.GetRequiredService<Bootstrap>();
            go.Wait();
            return await bootstrap.EnsurePlatformAdminAsync(CancellationToken.None);
        })).ToList();
        go.Set();
        var links = await Task.WhenAll(checks);

        // Assert: every node printed a link (the last one issued is the one that opens), and there is one pending admin.
        Assert.All(links, l => Assert.StartsWith(SignpostFactory.PublicBaseUrl + "/activate?token=", l, StringComparison.Ordinal));
        var admins = await app.WithDbAsync(db => db.Accounts.Where(a => a.PlatformRoles != PlatformRoles.None).ToListAsync());
        var admin = Assert.Single(admins);
        Assert.Equal((Bootstrap.AdminUsername, AccountStatus.PendingActivation), (admin.Username, admin.Status));
    }
}
