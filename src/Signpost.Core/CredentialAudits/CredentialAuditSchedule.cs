using System.Globalization;

namespace Signpost.Core.CredentialAudits;

/// <summary>
/// Which review period has just ended: calendar quarters by default (Jan–Mar, Apr–Jun, ...), or any
/// whole number of months that divides a year. Periods are in UTC so that every node agrees on the key.
/// </summary>
public static class CredentialAuditSchedule
{
    /// <summary>The period lengths allowed: each divides the year, so periods line up with it.</summary>
    public static readonly IReadOnlyList<int> AllowedMonths = [1, 2, 3, 4, 6, 12];

    /// <summary>The period containing <paramref name="now"/>: [start, end).</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Current(DateTimeOffset now, int months)
    {
        var utc = now.ToUniversalTime();
        var firstMonth = (utc.Month - 1) / months * months + 1;
        var start = new DateTimeOffset(utc.Year, firstMonth, 1, 0, 0, 0, TimeSpan.Zero);
        return (start, start.AddMonths(months));
    }

    /// <summary>The last complete period before <paramref name="now"/>: the one the scheduled report covers.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Previous(DateTimeOffset now, int months)
    {
        var (start, _) = Current(now, months);
        return (start.AddMonths(-months), start);
    }

    /// <summary>"2026-Q1" for quarters, "2026-01" for monthly, "2026-H1" for half-years, "2026" for years, else "2026-01+4".</summary>
    public static string Name(DateTimeOffset start, int months) => months switch
    {
        3 => string.Create(CultureInfo.InvariantCulture, $"{start.Year}-Q{(start.Month - 1) / 3 + 1}"),
        1 => string.Create(CultureInfo.InvariantCulture, $"{start.Year}-{start.Month:00}"),
        6 => string.Create(CultureInfo.InvariantCulture, $"{start.Year}-H{(start.Month - 1) / 6 + 1}"),
        12 => start.Year.ToString(CultureInfo.InvariantCulture),
        _ => string.Create(CultureInfo.InvariantCulture, $"{start.Year}-{start.Month:00}+{months}"),
    };
}
