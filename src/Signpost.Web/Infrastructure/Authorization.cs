using Signpost.Core.Accounts;

namespace Signpost.Web.Infrastructure;

public static class Authorization
{
    /// <summary>Payer support and platform operators: read any attempt by its trace ID.</summary>
    public const string SupportPolicy = "support";

    public static IServiceCollection AddSignpostAuthorization(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(SupportPolicy, policy => policy.RequireRole(nameof(PlatformRoles.SupportAgent), nameof(PlatformRoles.PlatformAdmin)));
        return services;
    }
}
