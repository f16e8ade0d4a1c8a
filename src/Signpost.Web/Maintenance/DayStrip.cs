using Signpost.Core.Maintenance;

namespace Signpost.Web.Maintenance;

/// <summary>One UTC day of the status page's 90-day strip: how long maintenance ran, and how much of that was past the plan.</summary>
public sealed record DayBar(DateOnly Day, TimeSpan Planned, TimeSpan Overrun)
{
    public bool HadMaintenance => Planned + Overrun > TimeSpan.Zero;
}

/// <summary>
/// The last <see cref="Days"/> UTC days, oldest first, ending today: for each day the time windows ran
/// (from their start to when they were closed, or until now while they run), split at the planned end.
/// Cancelled windows never ran and are left out.
/// </summary>
public static class DayStrip
{
    public const int Days = 90;

    public static IReadOnlyList<DayBar> Build(MaintenanceSnapshot snapshot)
    {
        var now = snapshot.Now;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var ran = snapshot.All
            .Where(w => !w.IsCancelled && w.StartsAt < now)
            .Select(w => (Start: w.StartsAt, PlannedEnd: w.EndsAt, End: Min(w.ActualEndAt(now), now)))
            .ToList();

        var bars = new List<DayBar>(Days);
        for (var day = today.AddDays(1 - Days); day <= today; day = day.AddDays(1))
        {
            var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var dayEnd = dayStart.AddDays(1);
            var planned = TimeSpan.Zero;
            var overrun = TimeSpan.Zero;
            foreach (var (start, plannedEnd, end) in ran)
            {
                planned += Overlap(start, Min(end, plannedEnd), dayStart, dayEnd);
                overrun += Overlap(plannedEnd, end, dayStart, dayEnd);
            }

            // Windows of different scopes can overlap; a day holds at most a day.
            planned = Min(planned, TimeSpan.FromDays(1));
            overrun = Min(overrun, TimeSpan.FromDays(1) - planned);
            bars.Add(new DayBar(day, planned, overrun));
        }

        return bars;
    }

    private static TimeSpan Overlap(DateTimeOffset start, DateTimeOffset end, DateTimeOffset dayStart, DateTimeOffset dayEnd)
    {
        var from = start > dayStart ? start : dayStart;
        var to = end < dayEnd ? end : dayEnd;
        return to > from ? to - from : TimeSpan.Zero;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
