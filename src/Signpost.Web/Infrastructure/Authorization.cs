using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Signpost.Core.Accounts;

namespace Signpost.Web.Infrastructure;

public static class Authorization
{
    /// <summary>Payer support and platform operators: read any attempt by its trace ID.</summary>
    public const string SupportPolicy = "support";

    /// <summary>Platform operators only: organizations, their policies, the platform roles (the <c>/platform</c> pages).</summary>
    public const string PlatformAdminPolicy = "platform-admin";

    public static IServiceCollection AddSignpostAuthorization(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(SupportPolicy, policy => policy.RequireRole(nameof(PlatformRoles.SupportAgent), nameof(PlatformRoles.PlatformAdmin)))
            .AddPolicy(PlatformAdminPolicy, policy => policy.RequireRole(nameof(PlatformRoles.PlatformAdmin)));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditedPlatformRefusals>();

        // Past the policies: a practice admin reaches only their own practices' data (AdminScope), and what
        // each audience reads of a diagnosis, an event or an incident is cut to it (AudienceProjection,
        // docs/security.md "What each audience sees").
        services.AddScoped<AdminScope>();
        services.AddScoped<AudienceProjection>();
        return services;
    }
}

/// <summary>
/// A signed-in person without the PlatformAdmin role who opens a platform page gets the same 404 as for an
/// address that does not exist, and the attempt goes to the audit trail (docs/security.md).
/// Every other outcome, and every other policy, keeps the framework's default handling.
/// </summary>
internal sealed class AuditedPlatformRefusals : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated == true && IsPlatformAdminOnly(policy))
        {
            var scope = context.RequestServices.GetRequiredService<AdminScope>();
            // The audit trail keeps 64 characters of a target (the column's width on PostgreSQL).
            var path = context.Request.Path.Value ?? "";
            await scope.RefuseAsync("platform." + context.Request.Method.ToLowerInvariant(), "page", path.Length > 64 ? path[..64] : path, null,
                "The platform pages are for platform admins only.", context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }

    private static bool IsPlatformAdminOnly(AuthorizationPolicy policy) =>
        policy.Requirements.OfType<RolesAuthorizationRequirement>().Any(r => r.AllowedRoles.SequenceEqual([nameof(PlatformRoles.PlatformAdmin)]));
}
