namespace Signpost.Core.Browsers;

/// <summary>
/// The supported-browser matrix (docs/design.md §5 step 5): the oldest supported major version per family —
/// the latest two stable Chrome, Edge and Firefox, and Safari on macOS. Configured, never hard-coded,
/// because the versions move every few weeks (<c>Signpost:Browsers</c>).
/// </summary>
public sealed class BrowserSupportOptions
{
    public const string Section = "Signpost:Browsers";

    /// <summary>Family → oldest supported major version.</summary>
    public Dictionary<string, int> MinimumVersions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Family → the only operating systems it is supported on (Safari: macOS).</summary>
    public Dictionary<string, string[]> OnlyOn { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the browser is in the matrix.</summary>
    public bool IsSupported(BrowserInfo browser)
    {
        if (!MinimumVersions.TryGetValue(browser.Family, out var minimum) || browser.MajorVersion is not { } major)
        {
            return false;
        }

        if (OnlyOn.TryGetValue(browser.Family, out var systems)
            && !systems.Contains(browser.OperatingSystem, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        return major >= minimum;
    }

    /// <summary>One line a person can read: "Chrome 155+, Edge 155+, Firefox 157+, Safari 26+ (macOS)".</summary>
    public string Describe() => string.Join(", ", MinimumVersions.Select(kv =>
        OnlyOn.TryGetValue(kv.Key, out var systems) ? $"{kv.Key} {kv.Value}+ ({string.Join("/", systems)})" : $"{kv.Key} {kv.Value}+"));
}
