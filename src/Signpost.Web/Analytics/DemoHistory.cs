using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;

namespace Signpost.Web.Analytics;

/// <summary>
/// Four weeks of made-up sign-in history for the demo practice, so that a newcomer running <c>--demo</c>
/// finds the analytics pages, the support console and the troubleshooter with something to show
/// (docs/analytics.md, "The demo's history"). Only <c>--demo</c> writes it, on a database that holds nothing
/// but the demo; every event says so in its support detail. Seeded once: a demo whose active account already
/// has history older than a day is left alone. The same seed gives the same history every time.
/// </summary>
public sealed class DemoHistory(IAccountStore accounts, IOrganizationStore organizations, ISignInEventStore events, TimeProvider time)
{
    /// <summary>The support detail every made-up event carries.</summary>
    public const string Detail = "demo history (made up by signpost --demo)";

    private const int Days = 28;

    /// <summary>
    /// Whose history it is. Not demo.admin's: the practice administrator keeps a timeline of their own
    /// attempts only, short enough to read (and to screenshot) on the support account page.
    /// </summary>
    private static readonly string[] People = ["demo.active", "demo.expired", "demo.locked", "demo.disabled"];

    private static readonly DemoBrowser[] Browsers =
    [
        new("Chrome", "143", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36", true),
        new("Edge", "143", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36 Edg/143.0.0.0", true),
        new("Firefox", "146", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:146.0) Gecko/20100101 Firefox/146.0", true),
    ];

    private static readonly DemoBrowser OldBrowser =
        new("Chrome", "109", "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36", false);

    /// <summary>Writes the history unless it is there already; returns how many events it wrote.</summary>
    public async Task<int> SeedAsync(string slug, CancellationToken cancellationToken)
    {
        var practice = await organizations.FindBySlugAsync(slug, cancellationToken);
        var people = new List<Account>();
        foreach (var username in People)
        {
            if (await accounts.FindByIdentifierAsync(IdentifierKind.Username, username, cancellationToken) is { } account)
            {
                people.Add(account);
            }
        }

        var now = time.GetUtcNow();
        if (practice is null || people.Count == 0
            || (await events.ListForAccountAsync(people[0].Id, 50, cancellationToken)).Any(e => e.OccurredAt < now.AddDays(-1)))
        {
            return 0;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(practice.TimeZone);
        var random = new Random(2026);
        var written = 0;
        for (var day = Days; day >= 1; day--)
        {
            var local = TimeZoneInfo.ConvertTime(now.AddDays(-day), zone).Date;
            var weekend = local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var stories = weekend ? random.Next(0, 3) : random.Next(4, 9);
            var successes = weekend ? random.Next(1, 4) : random.Next(12, 22);
            for (var i = 0; i < successes; i++)
            {
                var at = LocalTime(local, zone, random);
                var person = people[random.Next(people.Count)];
                written += await WriteAsync(person, practice, at, SignInMethod.Password, ReasonCodes.SignedIn, Browsers[random.Next(Browsers.Length)], "LAN", cancellationToken);
            }

            for (var i = 0; i < stories; i++)
            {
                var at = LocalTime(local, zone, random);
                var person = people[random.Next(people.Count)];
                written += await StoryAsync(person, practice, at, random, cancellationToken);
            }
        }

        return written;
    }

    /// <summary>One person's failures and how they ended, in roughly the mix help desks report: mostly credentials, then network and device.</summary>
    private async Task<int> StoryAsync(Account person, Organization practice, DateTimeOffset at, Random random, CancellationToken cancellationToken)
    {
        var browser = Browsers[random.Next(Browsers.Length)];
        var roll = random.Next(100);
        Step[] steps = roll switch
        {
            // Credentials: a mistyped password put right, or a forgotten one reset.
            < 40 => [new(SignInMethod.Password, ReasonCodes.InvalidCredentials, browser, "LAN", 0), new(SignInMethod.Password, ReasonCodes.SignedIn, browser, "LAN", 1)],
            < 55 => [new(SignInMethod.Password, ReasonCodes.InvalidCredentials, browser, "LAN", 0), new(SignInMethod.Password, ReasonCodes.InvalidCredentials, browser, "LAN", 1),
                new(SignInMethod.PasswordReset, ReasonCodes.PasswordReset, browser, "LAN", 6), new(SignInMethod.Password, ReasonCodes.SignedIn, browser, "LAN", 7)],
            < 62 => [new(SignInMethod.Password, ReasonCodes.PasswordExpired, browser, "LAN", 0), new(SignInMethod.ChangePassword, ReasonCodes.SignedIn, browser, "LAN", 2)],
            // Network and device: an old browser, a home VPN the practice does not allow, a stale page.
            < 72 => [new(SignInMethod.Password, ReasonCodes.BrowserUnsupported, OldBrowser, "LAN", 0), new(SignInMethod.Password, ReasonCodes.SignedIn, browser, "LAN", 4)],
            < 84 => [new(SignInMethod.Password, ReasonCodes.NetworkNotAllowed, browser, "unknown", 0), new(SignInMethod.Password, ReasonCodes.NetworkNotAllowed, browser, "unknown", 1),
                new(SignInMethod.Password, ReasonCodes.SignedIn, browser, "LAN", 25)],
            < 90 => [new(SignInMethod.Password, ReasonCodes.StaleForm, browser, "LAN", 0), new(SignInMethod.Password, ReasonCodes.SignedIn, browser, "LAN", 1)],
            // Account state: locked, then unlocked by email or waited out.
            < 95 => [new(SignInMethod.Password, ReasonCodes.AccountLocked, browser, "LAN", 0), new(SignInMethod.Unlock, ReasonCodes.AccountUnlocked, browser, "LAN", 5),
                new(SignInMethod.Password, ReasonCodes.SignedIn, browser, "LAN", 6)],
            < 97 => [new(SignInMethod.Password, ReasonCodes.MaintenanceWindow, browser, "LAN", 0), new(SignInMethod.Password, ReasonCodes.SignedIn, browser, "LAN", 40)],
            // And a few who gave up that day.
            _ => [new(SignInMethod.Password, ReasonCodes.InvalidCredentials, browser, "LAN", 0), new(SignInMethod.Password, ReasonCodes.InvalidCredentials, browser, "LAN", 2)],
        };

        var written = 0;
        foreach (var step in steps)
        {
            written += await WriteAsync(person, practice, at.AddMinutes(step.Minutes), step.Method, step.Reason, step.Browser, step.Network, cancellationToken);
        }

        return written;
    }

    private async Task<int> WriteAsync(Account person, Organization practice, DateTimeOffset at, SignInMethod method, string reason,
        DemoBrowser browser, string network, CancellationToken cancellationToken)
    {
        var succeeded = reason is ReasonCodes.SignedIn or ReasonCodes.PasswordReset or ReasonCodes.AccountUnlocked;
        await events.AppendAsync(new SignInEvent
        {
            TraceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
            OccurredAt = at,
            Identifier = person.Username,
            IdentifierKind = "username",
            AccountId = person.Id,
            OrganizationId = practice.Id,
            Method = method,
            Succeeded = succeeded,
            ReasonCode = reason,
            // A lock never shows to an untrusted browser (docs/design.md §3): it looked like a wrong password.
            ShownReasonCode = reason == ReasonCodes.AccountLocked ? ReasonCodes.InvalidCredentials : reason,
            Detail = Detail,
            ClientIp = network == "LAN" ? "127.0.0.1" : "198.51.100.23",
            UserAgent = browser.Agent,
            Browser = browser.Name,
            BrowserVersion = browser.Version,
            OperatingSystem = "Windows",
            BrowserSupported = browser.Supported,
            CookiesWorking = true,
            JavaScriptWorking = true,
            NetworkLabel = network,
        }, cancellationToken);
        return 1;
    }

    private sealed record DemoBrowser(string Name, string Version, string Agent, bool Supported);

    private sealed record Step(SignInMethod Method, string Reason, DemoBrowser Browser, string Network, int Minutes);

    /// <summary>A moment of that local day, most of them in the morning rush.</summary>
    private static DateTimeOffset LocalTime(DateTime day, TimeZoneInfo zone, Random random)
    {
        var hour = random.Next(100) < 60 ? random.Next(7, 11) : random.Next(11, 19);
        var local = day.AddHours(hour).AddMinutes(random.Next(60));
        // Stored in UTC, as every event is (PostgreSQL's timestamptz takes no other offset).
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
