using Signpost.Web.Infrastructure;
using Signpost.Web.Sso;

namespace Signpost.Web.Setup;

/// <summary>The request pipeline, in order; each step says why it stands where it does.</summary>
public static class SignpostPipeline
{
    public static WebApplication UseSignpostPipeline(this WebApplication app)
    {
        // 1. First, so every later step sees the client's address and scheme rather than the proxy's: the
        //    HTTPS checks, the per-address rate limit, the sign-in event and the audit trail (ProxySupport).
        app.UseForwardedHeaders();

        // 2. Right after the forwarded headers, so the scheme is the one the client used: HSTS and the
        //    __Host- cookie names apply to HTTPS requests only (docs/deployment.md).
        app.UseSignpostTransportSecurity();

        // 3. Around everything that follows: an unexpected exception becomes the failure page or problem
        //    with a trace ID (FailureHandler), never a bare 500.
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = FailureHandler.HandleAsync });

        // 4. Inside the exception handler: an error answer with no body (such as routing's 404) gets a page or
        //    problem of its own (StatusCodeAnswers).
        app.UseStatusCodePages(StatusCodeAnswers.WriteAsync);

        // 5. PostgreSQL only: inside the exception handler, so a request that met a dead pooled connection is
        //    run once more before it would fail (DatabaseReconnect, docs/deployment.md).
        if (app.Services.GetRequiredService<DatabaseSetup>().Provider == DatabaseProvider.PostgreSQL)
        {
            app.UseMiddleware<DatabaseReconnect>();
        }

        // 6. Before routing, so every answer carries the trace ID and the browser-hardening headers, a 404
        //    and a refused attempt included.
        app.UseSignpostResponseHeaders();

        // 7. Routing picks the endpoint; the steps below read its metadata.
        app.UseRouting();

        // 8. After routing, since only endpoints that opt into the sign-in policy are counted; before
        //    authentication, so a refused attempt costs no session lookup (RateLimiting).
        app.UseSharedRateLimit();

        // 9. Before authentication: a single sign-on callback needs its connection's scheme registered on
        //    this node before the handler can read it (SsoEndpoints).
        app.UseSsoCallbacks();

        // 10. Who is asking: the session cookie, or a single sign-on callback.
        app.UseAuthentication();

        // 11. After authentication, so request logs and spans carry the signed-in account's ID (Telemetry).
        app.UseSignpostRequestTelemetry();

        // 12. May they: the endpoint's policy, with audited 404s for refused platform pages (Authorization).
        app.UseAuthorization();

        // 13. Last before the endpoint, after authentication as ASP.NET Core requires: form posts carry a
        //     valid anti-forgery token (FormGuard).
        app.UseAntiforgery();
        return app;
    }
}
