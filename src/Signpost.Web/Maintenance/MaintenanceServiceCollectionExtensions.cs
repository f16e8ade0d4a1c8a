namespace Signpost.Web.Maintenance;

public static class MaintenanceServiceCollectionExtensions
{
    /// <summary>Planned maintenance: the planner, the notifier and its job, the status page and its feeds.</summary>
    public static IServiceCollection AddSignpostMaintenance(this IServiceCollection services)
    {
        services.AddScoped<Core.Maintenance.MaintenancePlanner>();
        services.AddMaintenanceNotifier();
        services.AddSignpostMaintenancePages();
        return services;
    }
}
