using System.Net;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Accounts;
using Signpost.Core.Browsers;
using Signpost.Core.Devices;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Signpost.Core.Sessions;
using Signpost.Core.SignIn;
using Signpost.Core.Tests.Fakes;

namespace Signpost.Core.Tests.SignIn;

/// <summary>
/// The real <see cref="PasswordSignIn"/> over in-memory stores, a fake clock and the shared real hasher.
/// One practice (<see cref="Practice"/>, lockout after 3 failures in 15 minutes for 15 minutes) is set up.
/// </summary>
internal sealed class SignInHarness
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    public static readonly IPAddress LanAddress = IPAddress.Parse("203.0.113.25");
    public static readonly IPAddress VpnAddress = IPAddress.Parse("198.51.100.7");

    private int _trace;

    public SignInHarness()
    {
        Events = new InMemorySignInEventStore(Sessions);
        Practice = AddOrganization("riverside-family", p => p.LockoutThreshold = 3);
        DeviceCookies = new DeviceCookies(FixedDeviceKeyProvider.Create(), Time);
        Maintenance = new MaintenancePlanner(MaintenanceStore, Time);
        var browsers = new FixedOptionsMonitor<BrowserSupportOptions>(TestBrowsers.Matrix());
        SignIn = new PasswordSignIn(
            Accounts,
            Organizations,
            Lockouts,
            TestPasswords.Hashing,
            TestPasswords.Policy(),
            History,
            DeviceCookies,
            new SessionManager(Sessions, Time),
            new SignInEventRecorder(Events, browsers),
            new SignInGate(Maintenance, browsers, SsoPolicy),
            RateCounters,
            Time);
    }

    /// <summary>Practices that refuse passwords in favour of their own provider.</summary>
    public InMemorySsoPolicy SsoPolicy { get; } = new();

    public FakeTimeProvider Time { get; } = new(Start);

    /// <summary>Counts attempts during a lock (how many had their password compared).</summary>
    public InMemoryRateCounterStore RateCounters { get; } = new();

    public InMemoryPasswordHistoryStore History { get; } = new();
    public InMemoryAccountStore Accounts { get; } = new();
    public InMemoryOrganizationStore Organizations { get; } = new();
    public InMemoryLockoutStore Lockouts { get; } = new();
    public InMemorySessionStore Sessions { get; } = new();
    public InMemorySignInEventStore Events { get; }
    public DeviceCookies DeviceCookies { get; }
    public InMemoryMaintenanceStore MaintenanceStore { get; } = new();
    public MaintenancePlanner Maintenance { get; }
    public PasswordSignIn SignIn { get; }
    public Organization Practice { get; }

    public Organization AddOrganization(string slug, Action<OrganizationPolicy>? configure = null)
    {
        var organization = new Organization { Slug = slug, Name = $"Practice {slug}", CreatedAt = Start - TimeSpan.FromDays(365) };
        configure?.Invoke(organization.Policy);
        Organizations.Add(organization);
        return organization;
    }

    /// <summary>An active account whose password is <see cref="TestPasswords.Correct"/>, member of <see cref="Practice"/>.</summary>
    public Account AddAccount(string username = "jordan.lee", Action<Account>? configure = null)
    {
        var email = $"{username}@riverside.example";
        var account = new Account
        {
            Username = username,
            NormalizedUsername = Account.Normalize(username),
            Email = email,
            NormalizedEmail = Account.Normalize(email),
            DisplayName = "Jordan Lee",
            Status = AccountStatus.Active,
            PasswordHash = TestPasswords.CorrectHash,
            PasswordChangedAt = Start - TimeSpan.FromDays(30),
            CreatedAt = Start - TimeSpan.FromDays(60),
        };
        Join(account, Practice);
        configure?.Invoke(account);
        Accounts.Add(account);
        return account;
    }

    public static void Join(Account account, Organization organization, PracticeRoles roles = PracticeRoles.Staff) =>
        account.Memberships.Add(new Membership
        {
            AccountId = account.Id,
            OrganizationId = organization.Id,
            Organization = organization,
            Roles = roles,
        });

    /// <summary>A supported browser (Chrome 155 on Windows) on the practice LAN with no device cookie.</summary>
    public static ClientFacts Client(string userAgent = TestBrowsers.Chrome155Windows, IPAddress? ip = null) => new()
    {
        Ip = ip ?? LanAddress,
        UserAgent = userAgent,
        CookiesWorking = true,
        JavaScriptWorking = true,
    };

    /// <summary>The browser the account signed in from before: it sends that account's trusted-device cookie.</summary>
    public async Task<(ClientFacts Client, TrustedDevice Device)> TrustedClientAsync(Account account)
    {
        var (value, device) = await DeviceCookies.IssueAsync(account.Id, CancellationToken.None);
        var client = Client() with { DeviceCookies = new Dictionary<string, string> { [DeviceCookies.CookieName(account.Id)] = value } };
        return (client, device);
    }

    public Task<SignInResult> SignInAsync(string? identifier, string? password, string? slug = null, ClientFacts? client = null) =>
        SignIn.SignInAsync(
            new PasswordSignInRequest(identifier, password, slug, SignInMethod.Password, $"trace-{++_trace}", client ?? Client()),
            CancellationToken.None);

    /// <summary>The change page, as the web edge calls it: the ticket's account, its username, the current password.</summary>
    public Task<SignInResult> ChangePasswordAsync(Account account, string? current, string? newPassword, ClientFacts? client = null) =>
        SignIn.ChangePasswordAsync(
            account.Id,
            new PasswordSignInRequest(account.Username, current, null, SignInMethod.ChangePassword, $"trace-{++_trace}", client ?? Client()),
            newPassword,
            CancellationToken.None);

    public Task<LockoutCounter?> UntrustedCounterAsync(Account account) =>
        Lockouts.GetAsync(account.Id, LockoutCounter.UntrustedKey, CancellationToken.None);

    public Task<LockoutCounter?> DeviceCounterAsync(Account account, TrustedDevice device) =>
        Lockouts.GetAsync(account.Id, device.DeviceId, CancellationToken.None);

    /// <summary>The event of one attempt, found by its trace ID.</summary>
    public SignInEvent EventOf(SignInResult result) => Assert.Single(Events.All, e => e.TraceId == result.TraceId);
}
