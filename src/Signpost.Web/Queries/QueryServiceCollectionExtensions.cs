namespace Signpost.Web.Queries;

public static class QueryServiceCollectionExtensions
{
    /// <summary>Registers the read-only queries of the screens (one class per area, each over the one DbContext).</summary>
    public static IServiceCollection AddSignpostQueries(this IServiceCollection services)
    {
        services.AddScoped<SupportQueries>();
        services.AddScoped<SsoQueries>();
        services.AddScoped<PlatformQueries>();
        services.AddScoped<CliQueries>();
        services.AddScoped<PracticeQueries>();
        services.AddScoped<AccessQueries>();
        return services;
    }
}
