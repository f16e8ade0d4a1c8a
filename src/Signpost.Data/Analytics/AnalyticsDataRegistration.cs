using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Signpost.Core.Analytics;

namespace Signpost.Data.Analytics;

public static class AnalyticsDataRegistration
{
    /// <summary>
    /// The aggregate job's worker and the report reader, both scoped to a <see cref="SignpostDbContext"/>, and
    /// the node's cache of report counts (unless one is registered already).
    /// </summary>
    public static IServiceCollection AddSignpostAnalyticsData(this IServiceCollection services)
    {
        services.TryAddSingleton(_ => new AnalyticsReportCache());
        services.AddScoped<AnalyticsAggregator>();
        services.AddScoped<IAnalyticsReader, AnalyticsReader>();
        return services;
    }
}
