using System.Globalization;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;

namespace Signpost.Core.Lockout;

/// <summary>
/// The words every page, API problem and email uses for the end of a lock (docs/recovery.md, "Lock
/// messages"). An end time is never shown earlier than the lock really ends: it is rounded <em>up</em> to
/// the minute for people and up to the second for machines, and once the end has passed the notice says so
/// instead of showing a time in the past.
/// <para>
/// Who may read these sentences is decided by the caller: on a page only a browser holding the account's
/// trusted-device cookie (<see cref="Reasons.ReasonVisibility.TrustedDevice"/>), otherwise only the
/// account's own email address.
/// </para>
/// </summary>
public static class LockNotice
{
    /// <summary>The sentence for a lock that has ended; the page and the email say exactly this.</summary>
    public const string Ended = "Your account is no longer locked — sign in again.";

    /// <summary>The lock's end as people read it: the next whole minute at or after it.</summary>
    public static DateTimeOffset ShownEnd(DateTimeOffset until) => RoundUp(until, TimeSpan.TicksPerMinute);

    /// <summary>The lock's end as machines read it (the API's <c>lockedUntil</c>): the next whole second at or after it.</summary>
    public static DateTimeOffset MachineEnd(DateTimeOffset until) => RoundUp(until, TimeSpan.TicksPerSecond);

    /// <summary>Whole minutes left, rounded up, at least one while the lock holds; zero once it has ended.</summary>
    public static int MinutesLeft(DateTimeOffset until, DateTimeOffset now) =>
        now >= until ? 0 : Math.Max(1, (int)Math.Ceiling((until - now).TotalMinutes));

    /// <summary>
    /// "The lock ends at 03:16 on Mon 2 Mar 2026, America/Chicago time (09:16 UTC) — in about 2 minutes."
    /// or, once <paramref name="now"/> has reached the end, <see cref="Ended"/>.
    /// </summary>
    public static string Describe(DateTimeOffset until, DateTimeOffset now, TimeZoneInfo? zone)
    {
        if (now >= until)
        {
            return Ended;
        }

        var minutes = MinutesLeft(until, now);
        var within = minutes == 1 ? "in about 1 minute" : string.Create(CultureInfo.InvariantCulture, $"in about {minutes} minutes");
        return $"The lock ends at {When(until, zone)} — {within}.";
    }

    /// <summary>"03:16 on Mon 2 Mar 2026, America/Chicago time (09:16 UTC)"; UTC alone without a practice time zone.</summary>
    public static string When(DateTimeOffset until, TimeZoneInfo? zone)
    {
        var end = ShownEnd(until);
        var utc = end.UtcDateTime;
        if (zone is null || zone.Id == TimeZoneInfo.Utc.Id)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{utc:HH:mm} UTC on {utc:ddd d MMM yyyy}");
        }

        var local = TimeZoneInfo.ConvertTime(end, zone);
        return string.Create(CultureInfo.InvariantCulture, $"{local:HH:mm} on {local:ddd d MMM yyyy}, {zone.Id} time ({utc:HH:mm} UTC)");
    }

    /// <summary>
    /// The practice time zone to show a lock in: the practice whose page was used, else the zone all the
    /// account's practices share; null (UTC only) when they differ or none is known.
    /// </summary>
    public static TimeZoneInfo? ZoneFor(Account? account, Organization? page = null)
    {
        var id = page?.TimeZone;
        if (id is null && account is not null)
        {
            var zones = account.Memberships.Where(m => m.Organization is not null).Select(m => m.Organization!.TimeZone).Distinct(StringComparer.Ordinal).ToList();
            id = zones.Count == 1 ? zones[0] : null;
        }

        return !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
    }

    private static DateTimeOffset RoundUp(DateTimeOffset instant, long unitTicks)
    {
        var utc = instant.UtcTicks;
        var remainder = utc % unitTicks;
        return new DateTimeOffset(remainder == 0 ? utc : utc - remainder + unitTicks, TimeSpan.Zero);
    }
}
