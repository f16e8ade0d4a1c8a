using Signpost.Core.Analytics;

namespace Signpost.Web.Analytics;

/// <summary>The words the views, the CSV files and the report command use for endings and ways.</summary>
public static class AnalyticsLabels
{
    public static string Ending(StoryEnding ending) => ending switch
    {
        StoryEnding.RecoveredAlone => "Recovered alone",
        StoryEnding.RecoveredAfterHelpRequest => "Recovered after a help request",
        StoryEnding.RecoveredAfterIncident => "Recovered after an incident",
        _ => "Not recovered within a day",
    };

    public static string Way(RecoveryWay way) => way switch
    {
        RecoveryWay.Retry => "Tried again",
        RecoveryWay.Reset => "Reset the password",
        RecoveryWay.Unlock => "Unlocked by email",
        RecoveryWay.AnotherBrowser => "Another browser",
        RecoveryWay.AnotherNetwork => "Another network",
        RecoveryWay.WaitedOutLock => "Waited out a lock",
        RecoveryWay.WaitedOutMaintenance => "Waited out maintenance",
        _ => "—",
    };

    /// <summary>A duration as people read it: "4 min", "2 h 5 min", "1 d 3 h".</summary>
    public static string Duration(TimeSpan? span) => span switch
    {
        null => "—",
        { TotalMinutes: < 1 } s => $"{(int)s.TotalSeconds} s",
        { TotalHours: < 1 } s => $"{(int)s.TotalMinutes} min",
        { TotalDays: < 1 } s => $"{(int)s.TotalHours} h {s.Minutes} min",
        var s => $"{(int)s.Value.TotalDays} d {s.Value.Hours} h",
    };

    public static string Percent(double? share) => share is { } s ? (s * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " %" : "—";

    public static string PerThousand(double? value) => value is { } v ? v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) : "—";
}
