namespace Signpost.Web.Support;

public static class SupportServiceCollectionExtensions
{
    /// <summary>Support's acts on one account (the support console, the holds API and the admin commands share them).</summary>
    public static IServiceCollection AddSignpostSupport(this IServiceCollection services)
    {
        services.AddScoped<SupportAccountActions>();
        services.AddScoped<AccountHolds>();
        return services;
    }
}
