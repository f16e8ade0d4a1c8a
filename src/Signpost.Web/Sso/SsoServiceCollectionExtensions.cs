using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Signpost.Web.Sso;

public static class SsoServiceCollectionExtensions
{
    /// <summary>Single sign-on toward each organization's own provider: run-time schemes, their options, events, health checks.</summary>
    public static IServiceCollection AddSignpostSso(this IServiceCollection services)
    {
        UseBlockingKeyRefresh();
        services.AddOptions<SsoOptions>().BindConfiguration(SsoOptions.Section).ValidateDataAnnotations()
            .Validate(TrustedAuthoritiesReadable, $"{SsoOptions.Section}:TrustedCertificateAuthoritiesFile must name a readable PEM file holding at least one certificate.")
            .ValidateOnStart();
        services.AddSingleton<SsoSchemes>();
        services.AddSingleton<SsoBackchannel>();
        services.AddSingleton<SsoDiscoveryFailures>();
        services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>, SsoHandlerOptions>();
        // What AddOpenIdConnect would register: the handler's own post-configuration (configuration manager,
        // state and string data formats). Schemes are added at run time instead of through AddOpenIdConnect.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.AddScoped<SsoHandlerEvents>();
        services.AddScoped<SsoSignIn>();
        services.AddScoped<SsoUserInfo>();
        services.AddScoped<Saml.SamlFlow>();
        services.AddSingleton<Saml.SamlEncryptionKey>();
        services.AddScoped<Saml.SamlConnectionManager>();
        services.AddScoped<SsoConnectionManager>();
        services.AddScoped<SsoHealthChecker>();
        services.AddScoped<SsoHealthAlerts>();
        services.TryAddScoped<Core.Notifications.OnceOnlySender>();
        services.AddHostedService<SsoHealthJob>();
        return services;
    }

    private static bool TrustedAuthoritiesReadable(SsoOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TrustedCertificateAuthoritiesFile))
        {
            return true;
        }

        try
        {
            return options.LoadTrustedAuthorities().Count > 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    /// <summary>IdentityModel's switch that makes a requested configuration refresh complete before the caller continues.</summary>
    public const string BlockingRefreshSwitch = "Switch.Microsoft.IdentityModel.UpdateConfigAsBlocking";

    /// <summary>
    /// After a provider rotates its signing key, the first ID token signed with the new key carries a <c>kid</c>
    /// the cached key set lacks. The token handler then asks for a refresh and validates once more against the
    /// refreshed keys — but by default IdentityModel refreshes in the background and hands back the old keys, so
    /// that one retry sees nothing new and the sign-in fails. Blocking refresh makes the retry see the keys just
    /// fetched: a rotation costs no sign-in. The refresh stays rate-limited (one per five minutes per provider,
    /// <c>RefreshInterval</c>), so a token with a forged <c>kid</c> still costs the provider one fetch at most,
    /// and the token is still refused when the refreshed keys do not have its <c>kid</c> either.
    /// </summary>
    /// <remarks>
    /// The switch is process-wide and read once by IdentityModel; Signpost's only configuration managers are
    /// these per-connection ones, and a sign-in waiting up to the backchannel timeout for keys is the price
    /// chosen over refusing it.
    /// </remarks>
    private static void UseBlockingKeyRefresh() => AppContext.SetSwitch(BlockingRefreshSwitch, true);
}
