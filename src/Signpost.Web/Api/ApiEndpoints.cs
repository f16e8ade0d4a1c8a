namespace Signpost.Web.Api;

/// <summary>The JSON API under <c>/api/v1</c> and its OpenAPI document.</summary>
public static class ApiEndpoints
{
    public static IServiceCollection AddSignpostApi(this IServiceCollection services)
    {
        services.AddOpenApi();
        services.AddProblemDetails();
        return services;
    }

    public static IEndpointRouteBuilder MapSignpostApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        var api = app.MapGroup("/api/v1").WithTags("Signpost");
        api.MapSignInApi();
        api.MapEventsApi();
        api.MapPasswordExpiryApi();
        api.MapHoldsApi();
        api.MapDiagnosesApi();
        api.MapIncidentsApi();
        api.MapWebhookDeliveriesApi();
        api.MapMembersApi();
        return app;
    }
}
