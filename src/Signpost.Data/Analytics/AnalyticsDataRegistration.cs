using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Analytics;

namespace Signpost.Data.Analytics;

public static class AnalyticsDataRegistration
{
    /// <summary>The aggregate job's worker and the report reader, both scoped to a <see cref="SignpostDbContext"/>.</summary>
    public static IServiceCollection AddSignpostAnalyticsData(this IServiceCollection services)
    {
        services.AddScoped<AnalyticsAggregator>();
        services.AddScoped<IAnalyticsReader, AnalyticsReader>();
        return services;
    }
}
