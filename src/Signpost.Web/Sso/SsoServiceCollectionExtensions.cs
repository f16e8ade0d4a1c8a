using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Signpost.Web.Sso;

public static class SsoServiceCollectionExtensions
{
    /// <summary>Single sign-on toward each organization's own provider: run-time schemes, their options, events, health checks.</summary>
    public static IServiceCollection AddSignpostSso(this IServiceCollection services)
    {
        services.AddOptions<SsoOptions>().BindConfiguration(SsoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SsoSchemes>();
        services.AddSingleton<SsoBackchannel>();
        services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>, SsoHandlerOptions>();
        // What AddOpenIdConnect would register: the handler's own post-configuration (configuration manager,
        // state and string data formats). Schemes are added at run time instead of through AddOpenIdConnect.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.AddScoped<SsoHandlerEvents>();
        services.AddScoped<SsoSignIn>();
        services.AddScoped<SsoAdministration>();
        services.AddScoped<SsoHealthChecker>();
        services.AddScoped<SsoHealthAlerts>();
        services.TryAddScoped<Core.Notifications.OnceOnlySender>();
        services.AddHostedService<SsoHealthJob>();
        return services;
    }
}
