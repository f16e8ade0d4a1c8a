using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Devices;
using Signpost.Core.Lockout;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Recovery;

namespace Signpost.Web.Tests.Lockout;

/// <summary>
/// Signpost on a hand-moved clock with a practice in America/Chicago that locks a browser after three
/// wrong passwords. <see cref="PauseAfterLockCheck"/> lets a test make time pass between the moment an
/// attempt finds the lock and the moment its page is written, as a slow request does.
/// </summary>
public sealed class LockEndApp : RecoveryApp
{
    public const int Threshold = 3;
    public const int DurationMinutes = 15;

    public string Slug { get; } = TestAccounts.Unique("lakeside");

    /// <summary>When set, the next lock check (a check's reservation) that finds a holding lock moves the clock on by this much, once.</summary>
    public TimeSpan? PauseAfterLockCheck { get; set; }

    /// <summary>
    /// When set, the next check admitted for this account finds no lock, and the key is locked right after it, once:
    /// another node (support, say) locks it while the password is hashed.
    /// </summary>
    public Guid? LockAfterNextRead { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            var real = services.Single(d => d.ServiceType == typeof(ILockoutStore));
            services.Remove(real);
            services.AddScoped<ILockoutStore>(provider =>
                new PausingLockoutStore((ILockoutStore)ActivatorUtilities.CreateInstance(provider, real.ImplementationType!), this));
        });
    }

    /// <summary>
    /// A member of the Chicago practice whose own (trusted) browser is locked: it signed in once, then
    /// typed the wrong password <see cref="Threshold"/> times, 13.5 s after a whole minute so the end
    /// falls between minutes. Returns the browser, the last page and the lock's end as stored.
    /// </summary>
    public async Task<(Account Account, TestBrowser Browser, AngleSharp.Html.Dom.IHtmlDocument LockedPage, DateTimeOffset Until)> LockTrustedBrowserAsync(string prefix)
    {
        var account = await MemberAsync(prefix);
        var browser = CreateBrowser();
        var first = await browser.SignInAsync(account.Username, TestAccounts.Password, PracticePath);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.NotNull(browser.Cookie(DeviceCookies.CookieName(account.Id)));

        var intoMinute = TimeSpan.FromSeconds(13.5) - TimeSpan.FromTicks(Now.UtcTicks % TimeSpan.TicksPerMinute);
        Clock.Advance(intoMinute > TimeSpan.Zero ? intoMinute : intoMinute + TimeSpan.FromMinutes(1));
        HttpResponseMessage last = null!;
        for (var i = 0; i < Threshold; i++)
        {
            last = await browser.SignInAsync(account.Username, TestAccounts.WrongPassword, PracticePath);
        }

        var until = (await CountersAsync(account.Id)).Single(c => c.DeviceKey != LockoutCounter.UntrustedKey).LockedUntil!.Value;
        return (account, browser, await TestBrowser.ParseAsync(last), until);
    }

    public string PracticePath => "/o/" + Slug;

    /// <summary>A staff member of the fixture's Chicago practice (hides the base fixture's practice of the same role).</summary>
    public new async Task<Account> MemberAsync(string prefix, string? password = TestAccounts.Password)
    {
        await EnsurePracticeAsync();
        return await CreateAccountAsync(TestAccounts.Unique(prefix), Slug, password);
    }

    public Task<List<LockoutCounter>> CountersAsync(Guid accountId) =>
        WithDbAsync(db => db.LockoutCounters.AsNoTracking().Where(c => c.AccountId == accountId).ToListAsync());

    /// <summary>
    /// Moves the clock to <paramref name="offset"/> from <paramref name="instant"/>, once the outbox is empty.
    /// The mail job deletes a message just after the SMTP server took it; a jump of half an hour in between
    /// makes that message look stalled, and the next recovery request then answers <c>service_degraded</c>
    /// and sends nothing (CI met this once, on a full machine).
    /// </summary>
    public void MoveTo(DateTimeOffset instant, TimeSpan offset)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (WithDbAsync(db => db.OutboxMessages.AsNoTracking().AnyAsync()).GetAwaiter().GetResult())
        {
            Assert.True(DateTime.UtcNow < deadline, "The outbox still holds a message 15 s on; the clock would make it look stalled.");
            Thread.Sleep(50);
        }

        var by = instant + offset - Now;
        Assert.True(by >= TimeSpan.Zero, "The clock only moves forward.");
        Clock.Advance(by);
    }

    private async Task EnsurePracticeAsync()
    {
        await _created.WaitAsync();
        try
        {
            if (!_practiceCreated)
            {
                var practice = await CreateOrganizationAsync(Slug, "Lakeside Family Practice", p =>
                {
                    p.LockoutThreshold = Threshold;
                    p.LockoutDurationMinutes = DurationMinutes;
                });
                Assert.Equal("America/Chicago", practice.TimeZone);
                _practiceCreated = true;
            }
        }
        finally
        {
            _created.Release();
        }
    }

    private readonly SemaphoreSlim _created = new(1, 1);
    private bool _practiceCreated;

    private sealed class PausingLockoutStore(ILockoutStore inner, LockEndApp app) : ILockoutStore
    {
        public Task<LockoutCounter?> GetAsync(Guid accountId, string deviceKey, CancellationToken cancellationToken) => inner.GetAsync(accountId, deviceKey, cancellationToken);

        public async Task<CheckReservation> ReserveCheckAsync(Guid accountId, string deviceKey, int threshold, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var reservation = await inner.ReserveCheckAsync(accountId, deviceKey, threshold, window, now, cancellationToken);
            if (app.LockAfterNextRead == accountId && reservation.Admitted)
            {
                app.LockAfterNextRead = null;
                await inner.LockAsync(accountId, deviceKey, Threshold, app.Now.AddMinutes(DurationMinutes), cancellationToken);
            }

            if (app.PauseAfterLockCheck is { } pause && reservation.LockedUntil > app.Now)
            {
                app.PauseAfterLockCheck = null;
                app.Clock.Advance(pause);
            }

            return reservation;
        }

        public Task<FailureTally> CountReservedFailureAsync(Guid accountId, string deviceKey, int threshold, TimeSpan window, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.CountReservedFailureAsync(accountId, deviceKey, threshold, window, duration, now, cancellationToken);

        public Task<ReleasedCheck> ReleaseRightCheckAsync(Guid accountId, string deviceKey, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.ReleaseRightCheckAsync(accountId, deviceKey, now, cancellationToken);

        public Task CancelCheckAsync(Guid accountId, string deviceKey, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.CancelCheckAsync(accountId, deviceKey, now, cancellationToken);

        public Task<FailureTally> RegisterFailureAsync(Guid accountId, string deviceKey, int threshold, TimeSpan window, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.RegisterFailureAsync(accountId, deviceKey, threshold, window, duration, now, cancellationToken);

        public Task ResetAsync(Guid accountId, string deviceKey, CancellationToken cancellationToken) => inner.ResetAsync(accountId, deviceKey, cancellationToken);

        public Task<int> UnlockAllAsync(Guid accountId, DateTimeOffset now, CancellationToken cancellationToken) => inner.UnlockAllAsync(accountId, now, cancellationToken);

        public Task<IReadOnlyList<LockoutCounter>> ListForAccountAsync(Guid accountId, CancellationToken cancellationToken) => inner.ListForAccountAsync(accountId, cancellationToken);

        public Task<IReadOnlyList<LockoutCounter>> ListLockedAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.ListLockedAsync(now, cancellationToken);

        public Task<int> PurgeQuietAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.PurgeQuietAsync(now, cancellationToken);

        public Task LockAsync(Guid accountId, string deviceKey, int failureCount, DateTimeOffset until, CancellationToken cancellationToken) =>
            inner.LockAsync(accountId, deviceKey, failureCount, until, cancellationToken);
    }
}
