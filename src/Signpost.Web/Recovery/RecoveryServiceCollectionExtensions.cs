using Signpost.Core.Recovery;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Recovery;

public static class RecoveryServiceCollectionExtensions
{
    /// <summary>Self-service recovery: the service, its settings under <c>Signpost:Recovery</c> (checked at start) and the recovery cookie.</summary>
    public static IServiceCollection AddSignpostRecovery(this IServiceCollection services)
    {
        services.AddScoped<RecoveryService>();
        services.AddOptions<RecoveryOptions>().BindConfiguration(RecoveryOptions.Section)
            .Validate(o => o.Validate().Count == 0, "Signpost:Recovery has invalid values; see docs/configuration.md.")
            .ValidateOnStart();
        services.AddSingleton<RecoveryCookie>();
        return services;
    }
}
