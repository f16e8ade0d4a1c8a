using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Queries;
using Signpost.Web.Infrastructure;
using Signpost.Web.Sso.Saml;

namespace Signpost.Web.Sso;

/// <summary>Starting a single sign-on, home-realm discovery by email domain, and loading a connection's scheme for its callback.</summary>
public static class SsoEndpoints
{
    public const string CallbackPrefix = "/sso/callback/";

    /// <summary>
    /// Before authentication runs: a request for <c>/sso/callback/{slug}</c> gets its connection's scheme
    /// registered on this node (another node may have started the sign-in, or the connection is new).
    /// </summary>
    public static IApplicationBuilder UseSsoCallbacks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments(CallbackPrefix.TrimEnd('/'), out var rest)
            && rest.Value?.TrimStart('/') is { Length: > 0 } slug && AccountRules.IsValidSlug(slug))
        {
            var queries = context.RequestServices.GetRequiredService<SsoQueries>();
            await context.RequestServices.GetRequiredService<SsoSchemes>().EnsureAsync(queries, slug, context.RequestAborted);
        }

        await next();
    });

    public static IEndpointRouteBuilder MapSsoEndpoints(this IEndpointRouteBuilder app)
    {
        // Starting a single sign-on is a sign-in attempt: it shares the per-address limit of the sign-in forms and API.
        app.MapGet("/sso/{slug}", StartAsync).ExcludeFromDescription()
            .RequireRateLimiting(RateLimiting.SignInPolicy).WithMetadata(new RateLimiting.CountsGetRequests());
        app.MapGet("/sso", DiscoverAsync).ExcludeFromDescription();
        app.MapSamlEndpoints();
        return app;
    }

    /// <summary>Sends the browser to the organization's provider; a provider that cannot be reached gives a reason, not a 500.</summary>
    private static async Task<IResult> StartAsync(string slug, string? returnUrl, HttpContext context, SsoSchemes schemes, SsoQueries queries, SsoSignIn signIn, SsoDiscoveryFailures discovery)
    {
        if (!AccountRules.IsValidSlug(slug) || await schemes.EnsureAsync(queries, slug, context.RequestAborted) is not { } connection)
        {
            return Results.NotFound();
        }

        // The gate's public stage before the provider is even asked: a practice that does not take this
        // network, browser or time window says so now, with the password path's reason code.
        if (await signIn.RefusedBeforeProviderAsync(context, connection, context.RequestAborted) is { } refused)
        {
            return Results.Redirect(refused);
        }

        if (connection.Protocol == SsoProtocol.Saml)
        {
            return context.RequestServices.GetRequiredService<SamlFlow>().Challenge(context, connection, returnUrl);
        }

        var properties = new AuthenticationProperties { RedirectUri = LocalUrls.OrHome(returnUrl) };
        try
        {
            await context.ChallengeAsync(SsoConnection.SchemeFor(slug), properties);
            return Results.Empty;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // Discovery failed before the handler wrote anything: unreachable, slow, bad JSON, too large.
            // Only this practice is affected.
            return Results.Redirect(await signIn.FailAsync(context, connection, SsoFailures.Classify(ex, discovery.LastFailure(connection.DiscoveryUrl)), null, null, CancellationToken.None));
        }
    }

    /// <summary>Home-realm discovery: the generic page's "Sign in with your organization" asks for a work email and routes by its domain.</summary>
    private static async Task<IResult> DiscoverAsync(string? email, string? returnUrl, SsoQueries queries, CancellationToken cancellationToken)
    {
        var at = email?.Trim().LastIndexOf('@') ?? -1;
        var domain = at > 0 ? email!.Trim()[(at + 1)..].ToLowerInvariant() : null;
        if (domain is { Length: > 0 and <= 253 })
        {
            var connections = await queries.ListEnabledConnectionsAsync(cancellationToken);
            if (connections.FirstOrDefault(c => c.EmailDomains.Contains(domain, StringComparer.OrdinalIgnoreCase)) is { } match)
            {
                var query = returnUrl is { Length: > 0 } ? "?returnUrl=" + Uri.EscapeDataString(returnUrl) : "";
                return Results.Redirect($"/sso/{match.Organization!.Slug}{query}");
            }
        }

        return Results.Redirect("/sign-in?sso=unknown");
    }
}
