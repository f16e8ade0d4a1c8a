using System.Globalization;

namespace Signpost.Core.Browsers;

/// <summary>
/// The supported-browser matrix (docs/design.md §5 step 5; docs/configuration.md "The supported-browser matrix"), configured under <c>Signpost:Browsers</c>
/// because versions move every few weeks. A family is supported from its oldest supported major version, which is
/// either
/// <list type="bullet">
/// <item>worked out from <see cref="Releases"/>: the latest <see cref="LatestReleases"/> majors released by today
/// (the table may list a published schedule ahead, so the matrix moves on its own as release dates pass), or</item>
/// <item>the fixed <see cref="MinimumVersions"/> entry, for a family without a release table (Safari).</item>
/// </list>
/// Firefox ESR versions are also supported while their end date is ahead (<see cref="FirefoxEsr"/>): hospital IT
/// departments standardise on them, and their majors are far behind the release channel's. "Today" is
/// <see cref="Clock"/>'s date in UTC: the host sets it to the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class BrowserSupportOptions
{
    public const string Section = "Signpost:Browsers";

    public const string Firefox = "Firefox";

    /// <summary>Family → oldest supported major version, for families without a release table.</summary>
    public Dictionary<string, int> MinimumVersions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Family → the only operating systems it is supported on (Safari: macOS).</summary>
    public Dictionary<string, string[]> OnlyOn { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many of a family's latest released majors are supported (default 2).</summary>
    public int LatestReleases { get; set; } = 2;

    /// <summary>Family → major version → its stable release date (<c>Signpost:Browsers:Releases:Chrome:155 = 2026-10-06</c>).</summary>
    public Dictionary<string, Dictionary<int, DateOnly>> Releases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Firefox ESR major version → the last day Mozilla supports it (<c>Signpost:Browsers:FirefoxEsr:140 = 2026-09-15</c>).</summary>
    public Dictionary<int, DateOnly> FirefoxEsr { get; set; } = [];

    /// <summary>Where "today" comes from; the host replaces it with the injected <see cref="TimeProvider"/>.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    private DateOnly Today => DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);

    /// <summary>The family's oldest supported major today, or null when the family is not in the matrix.</summary>
    public int? MinimumFor(string family)
    {
        if (Releases.TryGetValue(family, out var releases))
        {
            var today = Today;
            var latest = releases.Where(r => r.Value <= today).Select(r => r.Key).OrderDescending().Take(Math.Max(1, LatestReleases)).ToList();
            if (latest.Count > 0)
            {
                return latest[^1];
            }
        }

        return MinimumVersions.TryGetValue(family, out var minimum) ? minimum : null;
    }

    /// <summary>The Firefox ESR majors supported today, newest first.</summary>
    public IReadOnlyList<int> SupportedEsr()
    {
        var today = Today;
        return FirefoxEsr.Where(e => e.Value >= today).Select(e => e.Key).OrderDescending().ToList();
    }

    /// <summary>The families of the matrix, in the configured order.</summary>
    private IEnumerable<string> Families() => Releases.Keys.Concat(MinimumVersions.Keys).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the browser is in the matrix.</summary>
    public bool IsSupported(BrowserInfo browser)
    {
        if (browser.MajorVersion is not { } major)
        {
            return false;
        }

        if (OnlyOn.TryGetValue(browser.Family, out var systems)
            && !systems.Contains(browser.OperatingSystem, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        if (string.Equals(browser.Family, Firefox, StringComparison.OrdinalIgnoreCase) && SupportedEsr().Contains(major))
        {
            return true;
        }

        return MinimumFor(browser.Family) is { } minimum && major >= minimum;
    }

    /// <summary>One line a person can read: "Chrome 155+, Edge 155+, Firefox 156+ or Firefox ESR 153/140, Safari 26+ (macOS)".</summary>
    public string Describe() => string.Join(", ", Families().Select(family => MinimumFor(family) is { } minimum ? Entry(family, minimum) : null).OfType<string>());

    private string Entry(string family, int minimum)
    {
        var entry = OnlyOn.TryGetValue(family, out var systems) ? $"{family} {minimum}+ ({string.Join("/", systems)})" : $"{family} {minimum}+";
        var esr = SupportedEsr();
        return string.Equals(family, Firefox, StringComparison.OrdinalIgnoreCase) && esr.Count > 0
            ? $"{entry} or Firefox ESR {string.Join("/", esr)}"
            : entry;
    }

    /// <summary>
    /// What to tell the person using an unsupported <paramref name="browser"/>, naming its real version and what to
    /// do: update it (an ESR past its end date: move to the current ESR), or use another family of the matrix.
    /// </summary>
    public string Advice(BrowserInfo browser)
    {
        var i = CultureInfo.InvariantCulture;
        var named = browser.Version is { Length: > 0 } version ? $"{browser.Family} {version}" : browser.Family;
        if (browser.Family == BrowserInfo.UnknownFamily || !Families().Contains(browser.Family, StringComparer.OrdinalIgnoreCase))
        {
            return $"This browser ({named} on {browser.OperatingSystem}) is not on the supported list. Use one of: {Describe()}.";
        }

        if (OnlyOn.TryGetValue(browser.Family, out var systems) && !systems.Contains(browser.OperatingSystem, StringComparer.OrdinalIgnoreCase))
        {
            return $"{named} is supported only on {string.Join(" or ", systems)}, not on {browser.OperatingSystem}. Use one of: {Describe()}.";
        }

        var minimum = MinimumFor(browser.Family);
        if (string.Equals(browser.Family, Firefox, StringComparison.OrdinalIgnoreCase) && browser.MajorVersion is { } major
            && FirefoxEsr.TryGetValue(major, out var ended) && ended < Today)
        {
            var current = SupportedEsr();
            return string.Create(i, $"{named} is Firefox ESR {major}, whose support ended on {ended:yyyy-MM-dd}. ")
                + (current.Count > 0 ? $"Ask your IT department to move to Firefox ESR {current[0]}, or update to Firefox {minimum}+." : $"Update to Firefox {minimum}+.");
        }

        return $"{named} is older than the supported {browser.Family} {minimum}+. Update {browser.Family} (it usually offers the update in its menu), or use one of: {Describe()}.";
    }
}
