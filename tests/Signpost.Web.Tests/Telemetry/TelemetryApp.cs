using System.Collections;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Signpost.Web.Setup;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Telemetry;

/// <summary>
/// The real host with Signpost's telemetry pipeline (the same sources, meters and instrumentation an OTLP
/// endpoint turns on) exporting to memory instead of a collector. Spans arrive as each one ends; metrics
/// when <see cref="Flush"/> asks for them.
/// </summary>
public sealed class TelemetryApp : SignpostFactory
{
    public LockedList<Activity> Spans { get; } = new();

    public LockedList<MetricSnapshot> Metrics { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services
            .AddSignpostTelemetryPipeline(new ConfigurationBuilder().Build(), DatabaseProvider.Sqlite)
            .WithTracing(tracing => tracing.AddInMemoryExporter(Spans))
            .WithMetrics(metrics => metrics.AddInMemoryExporter(Metrics)));
    }

    /// <summary>Collects every instrument now and returns the latest snapshot of each.</summary>
    public IReadOnlyDictionary<string, MetricSnapshot> Flush()
    {
        Assert.True(Services.GetRequiredService<MeterProvider>().ForceFlush(10_000), "the meter provider did not flush");
        var latest = new Dictionary<string, MetricSnapshot>(StringComparer.Ordinal);
        foreach (var snapshot in Metrics.ToList())
        {
            latest[snapshot.Name] = snapshot;
        }

        return latest;
    }

    /// <summary>The cumulative count of <paramref name="metric"/> over the points carrying every one of <paramref name="tags"/>.</summary>
    public long Count(string metric, params (string Key, object Value)[] tags)
    {
        if (!Flush().TryGetValue(metric, out var snapshot))
        {
            return 0;
        }

        long total = 0;
        foreach (var point in snapshot.MetricPoints)
        {
            var pointTags = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in point.Tags)
            {
                pointTags[tag.Key] = tag.Value;
            }

            if (tags.All(t => pointTags.TryGetValue(t.Key, out var value) && Equals(value, t.Value)))
            {
                total += snapshot.MetricType == MetricType.Histogram ? point.GetHistogramCount() : point.GetSumLong();
            }
        }

        return total;
    }

    /// <summary>The spans of one trace that have ended.</summary>
    public IReadOnlyList<Activity> SpansOf(string traceId) =>
        Spans.ToList().Where(s => s.TraceId.ToHexString() == traceId).ToList();
}

/// <summary>A list the exporters may add to from any thread while a test reads it.</summary>
public sealed class LockedList<T> : ICollection<T>
{
    private readonly List<T> _items = [];

    public int Count
    {
        get
        {
            lock (_items)
            {
                return _items.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public void Add(T item)
    {
        lock (_items)
        {
            _items.Add(item);
        }
    }

    public void Clear()
    {
        lock (_items)
        {
            _items.Clear();
        }
    }

    public bool Contains(T item)
    {
        lock (_items)
        {
            return _items.Contains(item);
        }
    }

    public void CopyTo(T[] array, int arrayIndex)
    {
        lock (_items)
        {
            _items.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(T item)
    {
        lock (_items)
        {
            return _items.Remove(item);
        }
    }

    public List<T> ToList()
    {
        lock (_items)
        {
            return [.. _items];
        }
    }

    public IEnumerator<T> GetEnumerator() => ToList().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
