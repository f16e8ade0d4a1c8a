namespace Signpost.Web.Platform;

public static class PlatformServiceCollectionExtensions
{
    /// <summary>The platform operator's services (the platform console and the admin and staff commands share them).</summary>
    public static IServiceCollection AddSignpostPlatformAdministration(this IServiceCollection services)
    {
        services.AddScoped<PlatformProvisioning>();
        services.AddScoped<PlatformAdministration>();
        return services;
    }
}
