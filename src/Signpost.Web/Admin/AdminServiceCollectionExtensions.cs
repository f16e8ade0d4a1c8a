namespace Signpost.Web.Admin;

public static class AdminServiceCollectionExtensions
{
    /// <summary>The practice admin console's services (pages and the members API share them).</summary>
    public static IServiceCollection AddSignpostPracticeAdministration(this IServiceCollection services)
    {
        services.AddScoped<PracticeAdministration>();
        services.AddScoped<PracticeDirectory>();
        services.AddScoped<PracticeInvitations>();
        return services;
    }
}
