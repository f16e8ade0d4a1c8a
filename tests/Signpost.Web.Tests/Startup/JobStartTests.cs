using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Web.Setup;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Startup;

/// <summary>
/// A node's background jobs start after its first answer, not beside it (docs/cli.md, "What a start
/// costs"): none has touched the database before the first request, and every one runs right after it, or
/// a few seconds after the node began listening when no request comes. Each test has its own host, since
/// the point is what happens before a host's first request.
/// </summary>
public sealed class JobStartTests
{
    [Fact]
    public async Task Jobs_WaitForTheFirstAnswer_ThenEachRuns()
    {
        // A delay far longer than the test: only the first answer can start the jobs.
        await using var app = new SignpostFactory { BackgroundJobs = true, JobsStartDelaySeconds = 600 };
        var start = app.Services.GetRequiredService<JobStart>();

        Assert.False(start.IsOpen);
        Assert.Empty(await app.WithDbAsync(db => db.Leases.Select(l => l.Name).ToListAsync()));

        using var client = app.CreateClient();
        var page = await client.GetAsync(new Uri("/sign-in", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await WaitUntilAsync(() => Task.FromResult(start.IsOpen));
        // Event retention runs at once when it may start; its lease is its mark in the database.
        await WaitUntilAsync(async () => (await app.WithDbAsync(db => db.Leases.Select(l => l.Name).ToListAsync())).Contains(EventRetention.JobName));
    }

    [Fact]
    public async Task Jobs_NoRequest_StartAfterTheDelay()
    {
        await using var app = new SignpostFactory { BackgroundJobs = true, JobsStartDelaySeconds = 1 };
        var start = app.Services.GetRequiredService<JobStart>();

        await WaitUntilAsync(() => Task.FromResult(start.IsOpen));
        await WaitUntilAsync(async () => (await app.WithDbAsync(db => db.Leases.Select(l => l.Name).ToListAsync())).Contains(EventRetention.JobName));
    }

    [Fact]
    public async Task Jobs_DelayZero_StartWithTheHost()
    {
        await using var app = new SignpostFactory { BackgroundJobs = true };

        Assert.True(app.Services.GetRequiredService<JobStart>().IsOpen);
        await WaitUntilAsync(async () => (await app.WithDbAsync(db => db.Leases.Select(l => l.Name).ToListAsync())).Contains(EventRetention.JobName));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not become true within 30 seconds.");
            }

            await Task.Delay(50);
        }
    }
}
