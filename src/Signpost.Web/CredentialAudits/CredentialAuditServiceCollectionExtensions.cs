using Microsoft.Extensions.DependencyInjection.Extensions;
using Signpost.Core.CredentialAudits;
using Signpost.Core.Notifications;

namespace Signpost.Web.CredentialAudits;

public static class CredentialAuditServiceCollectionExtensions
{
    /// <summary>Registers the credential audit: the scheduled report and its background job (its facts reader is a store: <c>AddSignpostStores</c>).</summary>
    public static IServiceCollection AddCredentialAudits(this IServiceCollection services)
    {
        services.AddOptions<CredentialAuditOptions>().BindConfiguration(CredentialAuditOptions.Section).ValidateDataAnnotations()
            .Validate(o => CredentialAuditSchedule.AllowedMonths.Contains(o.PeriodMonths),
                "Signpost:CredentialAudits:PeriodMonths must be 1, 2, 3, 4, 6 or 12 (3, quarterly, is the default).")
            .ValidateOnStart();
        services.TryAddScoped<OnceOnlySender>();
        services.AddScoped<CredentialAuditService>();
        services.AddScoped<ScheduledCredentialAudits>();
        services.AddSingleton<CredentialAuditJob>();
        services.AddHostedService(sp => sp.GetRequiredService<CredentialAuditJob>());
        return services;
    }
}
