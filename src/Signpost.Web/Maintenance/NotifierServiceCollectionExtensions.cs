using Signpost.Core.Escalation;
using Signpost.Core.Maintenance;
using Signpost.Core.Notifications;

namespace Signpost.Web.Maintenance;

public static class NotifierServiceCollectionExtensions
{
    /// <summary>Registers maintenance alerts, the lock escalation and the background job that runs them.</summary>
    public static IServiceCollection AddMaintenanceNotifier(this IServiceCollection services)
    {
        services.AddOptions<NotifierOptions>().BindConfiguration(NotifierOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<OnceOnlySender>();
        services.AddScoped<MaintenanceAlerts>();
        services.AddScoped<LockEscalations>();
        services.AddSingleton<MaintenanceNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<MaintenanceNotifier>());
        return services;
    }
}
