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
    /// "The lock ends at Mon 2 Mar 2026 03:16 (America/Chicago), Mon 2 Mar 2026 09:16 UTC — in about 2 minutes."
    /// or, once <paramref name="now"/> has reached the end, <see cref="Ended"/>.
    /// </summary>
    public static string Describe(DateTimeOffset until, DateTimeOffset now, TimeZoneInfo? zone) =>
        now >= until ? Ended : $"The lock ends at {When(until, zone)} — {Within(until, now)}.";

    /// <summary>"in about 1 minute", "in about 14 minutes", past 90 minutes "in about 3 hours"; always rounded up.</summary>
    public static string Within(DateTimeOffset until, DateTimeOffset now)
    {
        var minutes = MinutesLeft(until, now);
        if (minutes <= 90)
        {
            return minutes == 1 ? "in about 1 minute" : string.Create(CultureInfo.InvariantCulture, $"in about {minutes} minutes");
        }

        return string.Create(CultureInfo.InvariantCulture, $"in about {(int)Math.Ceiling(minutes / 60.0)} hours");
    }

    /// <summary>"Mon 2 Mar 2026 03:16 (America/Chicago), Mon 2 Mar 2026 09:16 UTC"; UTC alone without a practice time zone.</summary>
    public static string When(DateTimeOffset until, TimeZoneInfo? zone)
    {
        var end = ShownEnd(until);
        var utc = string.Create(CultureInfo.InvariantCulture, $"{end.UtcDateTime:ddd d MMM yyyy HH:mm} UTC");
        if (zone is null || zone.Id == TimeZoneInfo.Utc.Id)
        {
            return utc;
        }

        var local = TimeZoneInfo.ConvertTime(end, zone);
        return string.Create(CultureInfo.InvariantCulture, $"{local:ddd d MMM yyyy HH:mm} ({zone.Id}), {utc}");
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
            var zones = account.Memberships.Where(m => m.GivesAccess && m.Organization is not null).Select(m => m.Organization!.TimeZone).Distinct(StringComparer.Ordinal).ToList();
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
