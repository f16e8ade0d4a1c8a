using Microsoft.Extensions.Options;
using Signpost.Core.Maintenance;
using Signpost.Core.Accounts;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Maintenance;

/// <summary><c>/status.json</c> and <c>/status.ics</c>: the status page for programs and calendars. No sign-in.</summary>
public static class StatusFeeds
{
    public static IEndpointRouteBuilder MapStatusFeeds(this IEndpointRouteBuilder app)
    {
        app.MapGet("/status.json", JsonAsync).ExcludeFromDescription();
        app.MapGet("/status.ics", CalendarAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> JsonAsync(
        string? org, HttpContext http, IOrganizationStore organizations, MaintenanceBoard board, IOptions<SignpostOptions> options, CancellationToken cancellationToken)
    {
        if (await StatusScope.ResolveAsync(org, organizations, cancellationToken) is not { } scope)
        {
            return new UnknownOrganization(json: true);
        }

        var snapshot = await board.ReadAsync(scope.Audience, cancellationToken);
        return TypedResults.Json(StatusDocument.From(snapshot, scope, options.Value.PublicBaseUrl));
    }

    private static async Task<IResult> CalendarAsync(
        string? org, IOrganizationStore organizations, MaintenanceBoard board, IOptions<SignpostOptions> options, CancellationToken cancellationToken)
    {
        if (await StatusScope.ResolveAsync(org, organizations, cancellationToken) is not { } scope)
        {
            return new UnknownOrganization(json: false);
        }

        var snapshot = await board.ReadAsync(scope.Audience, cancellationToken);
        return TypedResults.Text(StatusCalendar.Write(snapshot, scope, options.Value.PublicBaseUrl), StatusCalendar.ContentType);
    }

    private sealed class UnknownOrganization(bool json) : IResult
    {
        private const string Detail = "No practice has that slug. Use the slug from your practice's sign-in address (/o/slug), or leave ?org out.";

        public Task ExecuteAsync(HttpContext httpContext)
        {
            if (json)
            {
                return Problems.WriteAsync(httpContext, StatusCodes.Status404NotFound, "not_found", "Unknown organization", Detail);
            }

            httpContext.Response.StatusCode = StatusCodes.Status404NotFound;
            httpContext.Response.ContentType = "text/plain; charset=utf-8";
            return httpContext.Response.WriteAsync(Detail);
        }
    }
}

/// <summary>Registration of the status page, its feeds, the banner and the downtime procedure.</summary>
public static class MaintenancePagesServiceCollectionExtensions
{
    public static IServiceCollection AddSignpostMaintenancePages(this IServiceCollection services)
    {
        services.AddScoped<MaintenanceBoard>();
        services.AddScoped<DowntimeProcedure>();
        services.AddSingleton<SafeMarkdown>();
        return services;
    }
}
