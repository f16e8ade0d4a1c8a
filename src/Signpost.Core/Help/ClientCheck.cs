using Signpost.Core.Browsers;

namespace Signpost.Core.Help;

/// <summary>How one client fact looks: fine, worth fixing, or not known (JavaScript off, nothing sent).</summary>
public enum CheckStatus
{
    Ok,
    Problem,
    Unknown,
}

/// <summary>One line of the client check: what was looked at, what was seen, and what to do about it.</summary>
public sealed record ClientFinding(string Fact, CheckStatus Status, string Seen, string? Advice);

/// <summary>
/// What "Can't sign in?" learns about the browser in front of it, by itself (docs/design.md §5 step 5 and the §6 data
/// points): browser and version against the matrix, cookies, JavaScript, time zone, and the clock's offset
/// from the server. Collected without a sign-in, so it says nothing about any account.
/// </summary>
/// <param name="Browser">Parsed from the User-Agent of this very request.</param>
/// <param name="BrowserSupported">The matrix's verdict.</param>
/// <param name="CookiesWorking">The anti-forgery cookie set with the page came back.</param>
/// <param name="JavaScriptWorking">The page's script ran (null: the form was posted by something else).</param>
/// <param name="TimeZone">IANA zone the browser reported, when its script ran.</param>
/// <param name="ClockOffset">Browser clock minus server clock when the form was sent; null without JavaScript.</param>
/// <param name="NetworkLabel">The network label of the address, when an organization declared it.</param>
public sealed record ClientCheck(
    BrowserInfo Browser,
    bool BrowserSupported,
    bool CookiesWorking,
    bool JavaScriptWorking,
    string? TimeZone,
    TimeSpan? ClockOffset,
    string NetworkLabel)
{
    /// <summary>
    /// A clock further off than this breaks verification codes (RFC 6238 allows one 30-second step either
    /// side) and makes times in help requests misleading.
    /// </summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(90);

    /// <summary>Longest time-zone name kept (the IANA database's longest is 32 characters).</summary>
    public const int MaxTimeZoneLength = 64;

    /// <summary>The findings, in the order a person would fix them.</summary>
    public IReadOnlyList<ClientFinding> Findings(BrowserSupportOptions matrix)
    {
        var browserName = Browser.MajorVersion is { } major ? $"{Browser.Family} {major} on {Browser.OperatingSystem}" : $"{Browser.Family} on {Browser.OperatingSystem}";
        return
        [
            BrowserSupported
                ? new ClientFinding("Browser", CheckStatus.Ok, browserName, null)
                : new ClientFinding("Browser", CheckStatus.Problem, browserName,
                    $"{matrix.Advice(Browser)} Some practices refuse browsers outside the list."),
            CookiesWorking
                ? new ClientFinding("Cookies", CheckStatus.Ok, "Working", null)
                : new ClientFinding("Cookies", CheckStatus.Problem, "Blocked",
                    "Sign-in needs cookies for this site. Allow cookies for it in the browser's privacy settings (private windows and some extensions block them)."),
            JavaScriptWorking
                ? new ClientFinding("JavaScript", CheckStatus.Ok, "Working", null)
                : new ClientFinding("JavaScript", CheckStatus.Unknown, "Off or blocked",
                    "Sign-in works without JavaScript, but with it the page can warn about Caps Lock and check your browser for you."),
            ClockOffset is not { } offset
                ? new ClientFinding("Clock", CheckStatus.Unknown, "Not measured (needs JavaScript)", null)
                : offset.Duration() <= ClockTolerance
                    ? new ClientFinding("Clock", CheckStatus.Ok, Describe(offset), null)
                    : new ClientFinding("Clock", CheckStatus.Problem, Describe(offset),
                        "Your computer's clock is off. Turn on automatic date and time; verification codes and times in help requests depend on it."),
            new ClientFinding("Time zone", TimeZone is null ? CheckStatus.Unknown : CheckStatus.Ok, TimeZone ?? "Not reported (needs JavaScript)", null),
            new ClientFinding("Network", CheckStatus.Ok, NetworkLabel, null),
        ];
    }

    /// <summary>"in step with the server", "3 minutes 5 seconds ahead of the server".</summary>
    public static string Describe(TimeSpan offset)
    {
        var size = offset.Duration();
        if (size < TimeSpan.FromSeconds(2))
        {
            return "In step with the server";
        }

        var words = size.TotalMinutes >= 1
            ? $"{(int)size.TotalMinutes} min {size.Seconds} s"
            : $"{size.Seconds} s";
        return offset > TimeSpan.Zero ? $"{words} ahead of the server" : $"{words} behind the server";
    }

    /// <summary>
    /// Reads the browser's clock reading (Unix milliseconds, as its script sent it) against the server's
    /// time; null for anything that is not a plausible reading (missing, not a number, before 2020 or
    /// further than a year from now).
    /// </summary>
    public static TimeSpan? OffsetFrom(string? clientMilliseconds, DateTimeOffset serverNow)
    {
        if (!long.TryParse(clientMilliseconds, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms))
        {
            return null;
        }

        var earliest = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var latest = serverNow.AddYears(1).ToUnixTimeMilliseconds();
        return ms < earliest || ms > latest ? null : TimeSpan.FromMilliseconds(ms - serverNow.ToUnixTimeMilliseconds());
    }

    /// <summary>The time zone as reported when it names a zone this server knows; otherwise null.</summary>
    public static string? TimeZoneFrom(string? reported)
    {
        if (string.IsNullOrWhiteSpace(reported) || reported.Length > MaxTimeZoneLength)
        {
            return null;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(reported.Trim(), out var zone) ? zone.Id : null;
    }
}
