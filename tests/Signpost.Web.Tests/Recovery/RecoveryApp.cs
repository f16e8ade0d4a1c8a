using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Lockout;
using Signpost.Core.Tokens;
using Signpost.Web.Tests.Email;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Recovery;

/// <summary>
/// Signpost on a hand-moved clock, sending through a real SMTP server (npm's smtp-server) that the
/// fixture starts. The in-memory test server has no client address, so a request may name one in
/// <see cref="ClientIpHeader"/> (a test-only shim standing in for the connection's address). Recovery email
/// leaves through the outbox; the mail job is woken when a message is queued, so it arrives at once.
/// </summary>
public partial class RecoveryApp : EmailApp, IAsyncLifetime
{
    public const string ClientIpHeader = Infrastructure.ClientAddressFilter.Header;

    /// <summary>Without the response floor (800 ms by default), so tests that are not about timing run fast.</summary>
    public RecoveryApp() => Settings["Signpost:Recovery:MinimumResponseMilliseconds"] = "0";

    public SmtpSink Smtp { get; private set; } = null!;

    /// <summary>How long the SMTP server takes to accept each message (none by default).</summary>
    public TimeSpan? SmtpDelay { get; init; }

    public async ValueTask InitializeAsync()
    {
        Smtp = await SmtpSink.StartAsync(delay: SmtpDelay);
        SmtpPortValue = Smtp.Port;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Smtp is not null)
        {
            await Smtp.DisposeAsync();
        }
    }

    private int SmtpPortValue { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Signpost:Email:Host", "127.0.0.1");
        builder.UseSetting("Signpost:Email:Port", SmtpPortValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Signpost:Email:Security", "None");
        builder.UseSetting("Signpost:Email:TimeoutSeconds", "10");
    }

    /// <summary>The messages the SMTP server received for one address, oldest first, once at least <paramref name="count"/> arrived.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> MailForAsync(string address, int count = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var mine = MailFor(address);
            if (mine.Count >= count)
            {
                await OutboxSettledAsync();
                return mine;
            }

            if (DateTime.UtcNow > deadline)
            {
                // Say what the last requests recorded (service_degraded, rate_limited …), so a failure explains itself.
                var recent = await WithDbAsync(db => db.SignInEvents.AsNoTracking().OrderByDescending(e => e.Id).Take(3).ToListAsync());
                throw new TimeoutException($"Expected {count} message(s) for {address}, got {mine.Count}. Last events: "
                    + string.Join(" | ", recent.Select(e => $"{e.Method} {e.ReasonCode}: {e.Detail}")));
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits (up to 5 s) until the mail job has deleted what it handed to the SMTP server: it does so just after
    /// the server took the message, and a test that moves the clock minutes on in between makes the message
    /// look stalled, so the next recovery request answers <c>service_degraded</c>. Messages waiting out a
    /// server that did not answer are left alone.
    /// </summary>
    private async Task OutboxSettledAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            var now = Now;
            var sending = await WithDbAsync(db => db.OutboxMessages.AsNoTracking().AnyAsync(m => m.ServerDownSince == null && m.NextAttemptAt <= now));
            if (!sending)
            {
                return;
            }

            await Task.Delay(20);
        }
    }

    public IReadOnlyList<ReceivedMail> MailFor(string address) =>
        Smtp.Received().Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase)).ToList();

    /// <summary>The path and query of the first Signpost link in a message (the host is the configured public one).</summary>
    public static string LinkIn(ReceivedMail mail, string path)
    {
        var match = LinkPattern().Matches(mail.Text).FirstOrDefault(m => m.Groups["path"].Value == path)
            ?? throw new InvalidOperationException($"No {path} link in: {mail.Text}");
        Assert.Equal(PublicBaseUrl, match.Groups["base"].Value);
        return match.Groups["path"].Value + "?token=" + match.Groups["token"].Value;
    }

    public static string TokenOf(string link) => link[(link.IndexOf("token=", StringComparison.Ordinal) + "token=".Length)..];

    /// <summary>A staff member of the fixture's own practice (an account without a practice cannot sign in).</summary>
    public async Task<Account> MemberAsync(string prefix, string? password = TestAccounts.Password)
    {
        await _practice.WaitAsync();
        try
        {
            _slug ??= (await CreateOrganizationAsync(TestAccounts.Unique("recovery"), "Recovery Clinic")).Slug;
        }
        finally
        {
            _practice.Release();
        }

        return await CreateAccountAsync(TestAccounts.Unique(prefix), _slug, password);
    }

    private readonly SemaphoreSlim _practice = new(1, 1);
    private string? _slug;

    public Task LockAsync(Guid accountId, TimeSpan for_) =>
        WithServicesAsync(async services =>
        {
            await services.GetRequiredService<ILockoutStore>().LockAsync(accountId, LockoutCounter.UntrustedKey, 10, Now + for_, CancellationToken.None);
            return 0;
        });

    public Task<List<LockoutCounter>> LocksAsync(Guid accountId) =>
        WithDbAsync(db => db.LockoutCounters.AsNoTracking().Where(c => c.AccountId == accountId && c.LockedUntil > Now).ToListAsync());

    public Task<List<ActionToken>> TokensAsync(Guid accountId) =>
        WithDbAsync(db => db.ActionTokens.AsNoTracking().Where(t => t.AccountId == accountId).ToListAsync());

    [GeneratedRegex(@"(?<base>https?://[^/\s]+)(?<path>/[a-z/-]+)\?token=(?<token>[A-Za-z0-9_-]+)")]
    private static partial Regex LinkPattern();
}
