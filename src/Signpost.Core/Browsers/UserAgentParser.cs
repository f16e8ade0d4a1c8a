using System.Globalization;
using System.Text.RegularExpressions;

namespace Signpost.Core.Browsers;

/// <summary>
/// Reads browser family, version and OS from a User-Agent header. Only the families of the support
/// matrix matter here, so a small ordered rule list suffices (no UA parser library is served by this
/// project's package registry). Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
/// </summary>
public static partial class UserAgentParser
{
    private static readonly (string Family, Regex Pattern)[] Families =
    [
        ("Edge", EdgePattern()),
        ("Opera", OperaPattern()),
        ("Samsung Internet", SamsungPattern()),
        ("Firefox", FirefoxPattern()),
        ("Chrome", ChromePattern()),
        ("Safari", SafariPattern()),
        ("Internet Explorer", IePattern()),
    ];

    public static BrowserInfo Parse(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return BrowserInfo.Unknown;
        }

        // Linear-time patterns (NonBacktracking) over at most what an event keeps: a hostile header costs a bounded
        // scan and never a timeout. A wall-clock regex timeout was tried first; on a busy machine it fired for
        // ordinary headers, since a descheduled thread's match outlived it.
        if (userAgent.Length > Events.SignInEvent.MaxUserAgentLength)
        {
            userAgent = userAgent[..Events.SignInEvent.MaxUserAgentLength];
        }

        var os = OperatingSystem(userAgent);
        foreach (var (family, pattern) in Families)
        {
            var match = pattern.Match(userAgent);
            if (!match.Success)
            {
                continue;
            }

            var version = match.Groups["v"].Value;
            var major = int.TryParse(version.Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : (int?)null;
            return new BrowserInfo(family, major, version, os);
        }

        return BrowserInfo.Unknown with { OperatingSystem = os };
    }

    private static string OperatingSystem(string ua) => ua switch
    {
        _ when ua.Contains("Windows NT", StringComparison.Ordinal) => "Windows",
        _ when ua.Contains("iPhone", StringComparison.Ordinal) || ua.Contains("iPad", StringComparison.Ordinal) => "iOS",
        _ when ua.Contains("Mac OS X", StringComparison.Ordinal) || ua.Contains("Macintosh", StringComparison.Ordinal) => "macOS",
        _ when ua.Contains("Android", StringComparison.Ordinal) => "Android",
        _ when ua.Contains("CrOS", StringComparison.Ordinal) => "ChromeOS",
        _ when ua.Contains("Linux", StringComparison.Ordinal) => "Linux",
        _ => "Unknown",
    };

    [GeneratedRegex(@"\bEdg(?:e|A|iOS)?/(?<v>[\d.]+)", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex EdgePattern();

    [GeneratedRegex(@"\b(?:OPR|Opera)/(?<v>[\d.]+)", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex OperaPattern();

    [GeneratedRegex(@"\bSamsungBrowser/(?<v>[\d.]+)", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex SamsungPattern();

    [GeneratedRegex(@"\b(?:Firefox|FxiOS)/(?<v>[\d.]+)", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex FirefoxPattern();

    [GeneratedRegex(@"\b(?:HeadlessChrome|Chrome|CriOS)/(?<v>[\d.]+)", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex ChromePattern();

    [GeneratedRegex(@"\bVersion/(?<v>[\d.]+).*\bSafari/", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex SafariPattern();

    [GeneratedRegex(@"(?:\bMSIE (?<v>[\d.]+)|\bTrident/.*\brv:(?<v>[\d.]+))", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex IePattern();
}
