using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;

namespace Signpost.Web.Tests.Authorization;

/// <summary>
/// Every route the running host answers, read from its <see cref="EndpointDataSource"/>: one key per route
/// pattern and HTTP method (<c>GET /api/v1/incidents/{id}</c>), and for a Razor page one per handler
/// (<c>POST /admin/{slug}/users/{accountId}?handler=Disable</c>) besides its GET. wwwroot's files, which
/// MapStaticAssets maps one route per file, fingerprint and encoding (and, in Development, a catch-all for files
/// added while running), are left out: public by design, with routes that change whenever a file does.
/// </summary>
public static class RouteTable
{
    public static async Task<IReadOnlySet<string>> KeysAsync(IServiceProvider services)
    {
        var endpoints = services.GetRequiredService<EndpointDataSource>().Endpoints;
        var loader = services.GetRequiredService<PageLoader>();
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not null || endpoint.RoutePattern.RawText == "{**path:file}")
            {
                continue;
            }

            var route = Normalize(endpoint.RoutePattern.RawText ?? "");
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = page as CompiledPageActionDescriptor ?? await loader.LoadAsync(page, endpoint.Metadata);
                keys.Add($"GET {route}");
                foreach (var handler in compiled.HandlerMethods)
                {
                    var method = handler.HttpMethod.ToUpperInvariant();
                    if (method == "GET" && handler.Name is null)
                    {
                        continue;
                    }

                    keys.Add($"{method} {route}{(handler.Name is null ? "" : $"?handler={handler.Name}")}");
                }

                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            foreach (var method in methods is { Count: > 0 } ? methods : ["ANY"])
            {
                keys.Add($"{method} {route}");
            }
        }

        return keys;
    }

    /// <summary>A leading slash, no trailing one: the group's <c>MapGet("/")</c> and a page's relative template read alike.</summary>
    private static string Normalize(string raw)
    {
        var trimmed = raw.Trim('/');
        return "/" + trimmed;
    }
}
