using Microsoft.Extensions.Caching.Memory;

namespace Signpost.Data.Analytics;

/// <summary>
/// This node's reports' counts, by filter and the job's two watermarks (docs/analytics.md, "How fresh a view
/// is"): when the job saves a slice its watermark moves and the next view counts again, so a cached count is
/// never older than the rows. The filter names the practice, so one practice's counts are never another's.
/// Bounded: <see cref="Capacity"/> reports, each dropped after <see cref="Lifetime"/>.
/// </summary>
public sealed class AnalyticsReportCache(bool enabled = true) : IDisposable
{
    /// <summary>How many reports a node keeps (a few kilobytes each; a 731-day range is the largest).</summary>
    public const int Capacity = 500;

    /// <summary>How long a report is kept: by then the job has moved its watermarks and nobody asks for it again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = Capacity });

    /// <summary>False: every view counts (<c>Signpost:Analytics:ReportCache</c>, for measuring the counting itself).</summary>
    public bool Enabled => enabled;

    internal async Task<T> GetOrAddAsync<T>(object key, Func<Task<T>> count)
        where T : class
    {
        if (!enabled)
        {
            return await count();
        }

        if (cache.TryGetValue(key, out T? kept) && kept is not null)
        {
            return kept;
        }

        var value = await count();
        cache.Set(key, value, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
        return value;
    }

    public void Dispose() => cache.Dispose();
}
