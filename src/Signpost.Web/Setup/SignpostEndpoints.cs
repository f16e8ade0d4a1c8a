using Signpost.Web.Api;
using Signpost.Web.Maintenance;
using Signpost.Web.OpenIdProvider;
using Signpost.Web.Sso;

namespace Signpost.Web.Setup;

/// <summary>Every endpoint the host answers: the API, the static files, the pages, single sign-on, status feeds and health.</summary>
public static class SignpostEndpoints
{
    public static WebApplication MapSignpostEndpoints(this WebApplication app)
    {
        app.MapSignpostApi();
        StartupTrace.Mark("host: API mapped");

        // wwwroot from the build's manifest: gzip/Brotli variants, ETags, and content-fingerprinted URLs cached
        // for a year (docs/passwords.md "The strength meter"); pages get those URLs through WithStaticAssets.
        app.MapStaticAssets();
        StartupTrace.Mark("host: static assets mapped");
        app.MapRazorPages().WithStaticAssets();
        StartupTrace.Mark("host: pages mapped");
        app.MapSsoEndpoints();
        app.MapStatusFeeds();
        app.MapSignpostHealthEndpoints();
        app.MapOpenIdProvider();
        return app;
    }
}
