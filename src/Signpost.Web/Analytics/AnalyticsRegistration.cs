using Signpost.Data.Analytics;

namespace Signpost.Web.Analytics;

public static class AnalyticsRegistration
{
    /// <summary>The aggregates job, its reader and the metrics (docs/analytics.md).</summary>
    public static IServiceCollection AddSignpostAnalytics(this IServiceCollection services)
    {
        services.AddSignpostAnalyticsData();
        services.AddSingleton<AnalyticsMetrics>();
        services.AddSingleton<AnalyticsJob>();
        services.AddHostedService(sp => sp.GetRequiredService<AnalyticsJob>());
        return services;
    }
}
