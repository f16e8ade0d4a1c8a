using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Signpost.Data;

namespace Signpost.Web.Setup;

/// <summary>
/// What a load balancer asks (docs/deployment.md, "Health checks"): <c>/healthz</c> whether the process
/// answers at all, <c>/readyz</c> whether it can serve sign-ins — the database reachable, no migration
/// pending, the Data Protection key ring usable. Anonymous, GET only, outside the OpenAPI document and
/// outside traces; the answer is one word (<c>Healthy</c> or <c>Unhealthy</c>), the why is in the log.
/// </summary>
public static class HealthEndpoints
{
    public const string LivePath = "/healthz";
    public const string ReadyPath = "/readyz";

    private const string ReadyTag = "ready";

    /// <summary>Longest a readiness check may take before it counts as failed.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddSignpostHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseReadiness>("database", HealthStatus.Unhealthy, [ReadyTag], CheckTimeout)
            .AddCheck<KeyRingReadiness>("key-ring", HealthStatus.Unhealthy, [ReadyTag], CheckTimeout);
        return services;
    }

    public static IEndpointRouteBuilder MapSignpostHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // Alive: no check runs, so a slow database never makes the process look dead and restarted.
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false })
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            .ExcludeFromDescription();
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) })
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>The probes, which a load balancer asks every few seconds: kept out of traces.</summary>
    public static bool IsProbe(PathString path) => path.Equals(LivePath, StringComparison.OrdinalIgnoreCase) || path.Equals(ReadyPath, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The database answers and holds every migration this build knows.</summary>
internal sealed class DatabaseReadiness(SignpostDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!await db.Database.CanConnectAsync(cancellationToken))
        {
            return HealthCheckResult.Unhealthy("The database cannot be reached.");
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        return pending.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) pending, the last {pending[^1]}: run signpost migrate.");
    }
}

/// <summary>The key ring loads and protects: forms, device cookies and SSO secrets can be read and written.</summary>
internal sealed class KeyRingReadiness(IDataProtectionProvider protection) : IHealthCheck
{
    private const string Purpose = "Signpost.Readiness.v1";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var protector = protection.CreateProtector(Purpose);
        var probe = protector.Unprotect(protector.Protect("ready"));
        return Task.FromResult(probe == "ready" ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The key ring did not round-trip a probe."));
    }
}
