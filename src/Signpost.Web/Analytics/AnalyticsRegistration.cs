using Signpost.Data.Analytics;

namespace Signpost.Web.Analytics;

public static class AnalyticsRegistration
{
    /// <summary>True (the default) keeps report counts per node until the job's watermarks move (docs/analytics.md).</summary>
    public const string ReportCacheSetting = "Signpost:Analytics:ReportCache";

    /// <summary>The aggregates job, its reader and the metrics (docs/analytics.md).</summary>
    public static IServiceCollection AddSignpostAnalytics(this IServiceCollection services)
    {
        services.AddSingleton(sp => new AnalyticsReportCache(sp.GetRequiredService<IConfiguration>().GetValue(ReportCacheSetting, true)));
        services.AddSignpostAnalyticsData();
        services.AddSingleton<AnalyticsMetrics>();
        services.AddSingleton<AnalyticsJob>();
        services.AddHostedService(sp => sp.GetRequiredService<AnalyticsJob>());
        return services;
    }
}
