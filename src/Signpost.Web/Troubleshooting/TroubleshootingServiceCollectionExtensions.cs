using Signpost.Core.Troubleshooting;
using Signpost.Core.Troubleshooting.Checks;

namespace Signpost.Web.Troubleshooting;

public static class TroubleshootingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the troubleshooter, its database facts and the built-in checks. A feature adds its own
    /// check with <c>services.AddScoped&lt;ITroubleshootingCheck, MyCheck&gt;()</c>; nothing here changes.
    /// </summary>
    public static IServiceCollection AddSignpostTroubleshooter(this IServiceCollection services)
    {
        services.AddScoped<ITroubleshootingFacts, DatabaseTroubleshootingFacts>();
        foreach (var type in BuiltInChecks.Types)
        {
            services.AddScoped(typeof(ITroubleshootingCheck), type);
        }

        services.AddScoped<Troubleshooter>();
        return services;
    }
}
