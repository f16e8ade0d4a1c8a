using System.Globalization;
using Signpost.Core.Events;

namespace Signpost.Core.Troubleshooting;

/// <summary>How evidence names times, attempts and networks, so every check reads alike.</summary>
public static class Evidence
{
    /// <summary>An instant to the second, in UTC: "2026-03-02 10:00:05 UTC".</summary>
    public static string Utc(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Where an attempt came from: its network label when known, else its address.</summary>
    public static string NetworkOf(SignInEvent e) =>
        e.NetworkLabel is { Length: > 0 } label && label != Organizations.NetworkClassifier.Unknown ? label : e.ClientIp ?? "an unknown address";

    /// <summary>The browser of an attempt: "Chrome 155.0.0.0 on Windows".</summary>
    public static string BrowserOf(SignInEvent e) =>
        e.Browser is null ? "an unknown browser" : $"{e.Browser}{(e.BrowserVersion is null ? "" : " " + e.BrowserVersion)} on {e.OperatingSystem ?? "an unknown system"}";

    /// <summary>The major version of an attempt's browser, when it has one.</summary>
    public static int? MajorVersion(SignInEvent e) =>
        e.BrowserVersion is { } version && int.TryParse(version.Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : null;

    /// <summary>"1 attempt", "3 attempts".</summary>
    public static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
