using Signpost.Core.Escalation;
using Signpost.Core.Events;
using Signpost.Core.Incidents;
using Signpost.Core.Incidents.Webhooks;

namespace Signpost.Web.Incidents;

public static class IncidentServiceCollectionExtensions
{
    /// <summary>Registers the escalation rules on the event stream, incidents, their emails and the signed webhook.</summary>
    public static IServiceCollection AddSignpostIncidents(this IServiceCollection services)
    {
        services.AddOptions<EscalationOptions>().BindConfiguration(EscalationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IncidentOptions>().BindConfiguration(IncidentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<IIncidentFactsCollector, IncidentFactsCollector>();
        services.AddScoped<IncidentService>();
        services.AddScoped<EscalationEngine>();
        services.AddScoped<IncidentNotifications>();
        services.AddScoped<WebhookSecrets>();
        services.AddScoped<WebhookDispatcher>();
        services.AddHttpClient(WebhookDispatcher.ClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(5) });
        services.AddSingleton<EscalationQueue>();
        services.AddSingleton<ISignInEventListener>(sp => sp.GetRequiredService<EscalationQueue>());
        services.AddSingleton<EscalationWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<EscalationWorker>());
        services.AddSingleton<IncidentDeliveryJob>();
        services.AddHostedService(sp => sp.GetRequiredService<IncidentDeliveryJob>());
        return services;
    }
}
