using Signpost.Core.Troubleshooting;
using Signpost.Core.Troubleshooting.Checks;

namespace Signpost.Web.Troubleshooting;

public static class TroubleshootingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the troubleshooter and the built-in checks (its database facts are a store: <c>AddSignpostStores</c>). A feature adds its own
    /// check with <c>services.AddScoped&lt;ITroubleshootingCheck, MyCheck&gt;()</c>; nothing here changes.
    /// </summary>
    public static IServiceCollection AddSignpostTroubleshooter(this IServiceCollection services)
    {
        foreach (var type in BuiltInChecks.Types)
        {
            services.AddScoped(typeof(ITroubleshootingCheck), type);
        }

        services.AddScoped<Troubleshooter>();
        return services;
    }
}
