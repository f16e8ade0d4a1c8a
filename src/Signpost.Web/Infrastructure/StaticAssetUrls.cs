using Microsoft.AspNetCore.Components;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// Content-fingerprinted URLs of wwwroot files for what a page hands to its scripts (a tag helper's
/// <c>~/</c> path gets one by itself). The map is the build's static assets manifest, which
/// <c>MapRazorPages().WithStaticAssets()</c> puts on every page endpoint.
/// </summary>
public static class StaticAssetUrls
{
    /// <summary><c>lib/zxcvbn-ts/core/zxcvbn-ts.js</c> → <c>/lib/zxcvbn-ts/core/zxcvbn-ts.j2sbx8bzlw.js</c>; the plain path outside a page.</summary>
    public static string Asset(this HttpContext context, string path)
    {
        path = path.TrimStart('~', '/');
        var assets = context.GetEndpoint()?.Metadata.GetMetadata<ResourceAssetCollection>();
        return $"{context.Request.PathBase}/{(assets is null ? path : assets[path])}";
    }
}
