using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Lockout;
using Signpost.Web.Setup;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Lockout;

/// <summary>
/// The retention job deletes lockout counters that hold nothing (docs/security.md, "Exact counting"): a key's
/// row no longer stays forever after its first check, and a counter with a failure a window still counts stays.
/// </summary>
public sealed class CounterPurgeTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task RetentionRun_DeletesCleanCounters_KeepsCountedFailures_AndSignInStillCounts()
    {
        // Arrange: one member signed in (a clean counter: nothing counted, nothing in flight), another typed a
        // wrong password (a failure counted).
        var slug = TestAccounts.Unique("purge");
        await app.CreateOrganizationAsync(slug, "Purge Clinic");
        var clean = await app.CreateAccountAsync(TestAccounts.Unique("quiet"), slug);
        var failed = await app.CreateAccountAsync(TestAccounts.Unique("failed"), slug);
        using var browser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiSignInAsync(clean.Username, TestAccounts.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiSignInAsync(failed.Username, TestAccounts.WrongPassword)).StatusCode);
        Assert.Equal(0, await FailuresAsync(clean.Id));

        // Act
        var retention = ActivatorUtilities.CreateInstance<EventRetention>(app.Services);
        await retention.RunOnceAsync(CancellationToken.None);

        // Assert: the clean row went, the failure stays counted.
        Assert.Null(await FailuresAsync(clean.Id));
        Assert.Equal(1, await FailuresAsync(failed.Id));

        // And a key whose row was purged counts from scratch: a wrong password is its first failure.
        using var other = app.CreateBrowser();
        var wrong = await other.ApiSignInAsync(clean.Username, TestAccounts.WrongPassword);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(1, await FailuresAsync(clean.Id));
        var traceId = wrong.Headers.GetValues("X-Trace-Id").Single();
        var recorded = await app.WithDbAsync(db => db.SignInEvents.AsNoTracking().SingleAsync(e => e.TraceId == traceId));
        Assert.Equal(("invalid_credentials", clean.Id), (recorded.ReasonCode, recorded.AccountId));
        Assert.Contains("1/", recorded.Detail, StringComparison.Ordinal);
    }

    private Task<int?> FailuresAsync(Guid accountId) =>
        app.WithDbAsync(db => db.LockoutCounters.AsNoTracking()
            .Where(c => c.AccountId == accountId && c.DeviceKey == LockoutCounter.UntrustedKey)
            .Select(c => (int?)c.FailureCount).SingleOrDefaultAsync());
}
