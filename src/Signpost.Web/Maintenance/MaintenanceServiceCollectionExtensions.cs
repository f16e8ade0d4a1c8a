namespace Signpost.Web.Maintenance;

public static class MaintenanceServiceCollectionExtensions
{
    /// <summary>Planned maintenance: the planner, the notifier and its job, the status page and its feeds.</summary>
    public static IServiceCollection AddSignpostMaintenance(this IServiceCollection services)
    {
        // One copy of the windows per node, read again after Signpost:MaintenanceCacheSeconds (docs/maintenance.md).
        services.AddSingleton(sp => new Core.Maintenance.MaintenanceCache(
            sp.GetRequiredService<TimeProvider>(),
            TimeSpan.FromSeconds(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Infrastructure.SignpostOptions>>().Value.MaintenanceCacheSeconds)));
        services.AddScoped<Core.Maintenance.MaintenancePlanner>();
        services.AddMaintenanceNotifier();
        services.AddSignpostMaintenancePages();
        return services;
    }
}
