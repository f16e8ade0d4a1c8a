using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Signpost.Core.Telemetry;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Setup;

/// <summary>
/// Traces, metrics and logs for operators (docs/observability.md): Signpost's own meter and spans, ASP.NET
/// Core, HttpClient, database and runtime instrumentation, exported over OTLP when an endpoint is
/// configured and not collected at all otherwise.
/// </summary>
public static class Telemetry
{
    /// <summary>Where to send traces, metrics and logs; the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> works too.</summary>
    public const string OtlpEndpointKey = "Signpost:Telemetry:OtlpEndpoint";

    /// <summary><c>grpc</c> (the default, port 4317) or <c>http/protobuf</c> (port 4318), for <see cref="OtlpEndpointKey"/>.</summary>
    public const string OtlpProtocolKey = "Signpost:Telemetry:OtlpProtocol";

    /// <summary>The OpenTelemetry SDK's own setting, read from the environment like every other <c>OTEL_*</c> variable.</summary>
    public const string StandardEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The service name spans and metrics carry unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "signpost";

    public static IServiceCollection AddSignpostTelemetry(this IServiceCollection services, IConfiguration configuration, DatabaseProvider database)
    {
        services.AddMetrics();
        services.TryAddSingleton<SignpostMetrics>();

        // A request's trace starts here, whatever traceparent a client sends (TraceIds.cs, docs/observability.md).
        services.Replace(ServiceDescriptor.Singleton<DistributedContextPropagator>(new OwnTracePropagator()));
        ConfigureJsonConsole(services, configuration);

        var otlp = OtlpTarget(configuration);
        if (otlp is null && string.IsNullOrWhiteSpace(configuration[StandardEndpointKey]))
        {
            // Nothing to export to: no tracer or meter provider listens, so spans are never started and
            // instruments cost a branch each.
            return services;
        }

        var telemetry = services.AddSignpostTelemetryPipeline(configuration, database);
        if (otlp is { } target)
        {
            telemetry.UseOtlpExporter(target.Protocol, target.Endpoint);
        }
        else
        {
            // OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS and the rest, as the SDK documents them.
            telemetry.UseOtlpExporter();
        }

        return services;
    }

    /// <summary>
    /// The collecting half without an exporter: sources, meters and instrumentation. The host adds OTLP;
    /// test hosts call this and add the in-memory exporter instead (docs/testing.md).
    /// </summary>
    internal static IOpenTelemetryBuilder AddSignpostTelemetryPipeline(this IServiceCollection services, IConfiguration configuration, DatabaseProvider database)
    {
        // OpenTelemetry's ASP.NET Core instrumentation would otherwise read traceparent itself and continue the
        // client's trace beside ours; with the plain W3C propagator it leaves that to the host, which
        // OwnTracePropagator answers. Baggage from clients is dropped with it.
        Sdk.SetDefaultTextMapPropagator(new TraceContextPropagator());

        // Signpost's meter as made by this host's IMeterFactory only (MeterScope.Local): another host in the
        // same process (the test suite runs dozens) keeps its counts to itself.
        services.AddMetrics(metrics => metrics.EnableMetrics(SignpostTelemetry.MeterName, instrumentName: null, listenerName: "OpenTelemetry", scopes: MeterScope.Local));
        return services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(ServiceName, serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString());
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(SignpostTelemetry.ActivitySourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !HealthEndpoints.IsProbe(context.Request.Path))
                    .AddHttpClientInstrumentation();
                if (database == DatabaseProvider.PostgreSQL)
                {
                    // Npgsql's own spans; EF Core's would repeat each command once more.
                    tracing.AddNpgsql();
                }
                else
                {
                    tracing.AddEntityFrameworkCoreInstrumentation();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (database == DatabaseProvider.PostgreSQL)
                {
                    metrics.AddNpgsqlInstrumentation();
                }
            });
    }

    /// <summary>
    /// Scopes for each request: its trace ID comes from ASP.NET Core's activity tracking; this adds the signed-in
    /// account's ID (never a name, token or cookie) and links the request's span to a trace the client named.
    /// After authentication, so the session is known.
    /// </summary>
    public static IApplicationBuilder UseSignpostRequestTelemetry(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Signpost.Requests");
        return app.Use(async (context, next) =>
        {
            OwnTracePropagator.LinkClientTrace(context);
            if (context.User.Identity is { IsAuthenticated: true, AuthenticationType: SessionAuthentication.SchemeName }
                && context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value is { } accountId)
            {
                Activity.Current?.SetTag(SignpostTelemetry.Tags.AccountId, accountId);
                using (logger.BeginScope(new AccountScope(accountId)))
                {
                    await next(context);
                }

                return;
            }

            await next(context);
        });
    }

    /// <summary>
    /// <c>Logging:Console:FormatterName=json</c> writes one JSON object per line (docs/observability.md). Signpost's
    /// defaults for it, each kept only while the operator's configuration does not set it: scopes on (the trace
    /// and account IDs travel in them), UTC timestamps in ISO 8601.
    /// </summary>
    private static void ConfigureJsonConsole(IServiceCollection services, IConfiguration configuration)
    {
        // Run by systemd, UseSystemd sets the journald formatter over configuration; a formatter the operator
        // named (json) is kept.
        services.PostConfigure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(options =>
        {
            if (configuration["Logging:Console:FormatterName"] is { Length: > 0 } named)
            {
                options.FormatterName = named.Trim();
            }
        });

        var formatter = configuration.GetSection("Logging:Console:FormatterOptions");
        services.Configure<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>(options =>
        {
            if (formatter["IncludeScopes"] is null)
            {
                options.IncludeScopes = true;
            }

            if (formatter["UseUtcTimestamp"] is null)
            {
                options.UseUtcTimestamp = true;
            }

            if (formatter["TimestampFormat"] is null)
            {
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            }
        });
    }

    /// <summary>The endpoint of <see cref="OtlpEndpointKey"/>, checked at start; null when unset.</summary>
    private static (Uri Endpoint, OtlpExportProtocol Protocol)? OtlpTarget(IConfiguration configuration)
    {
        var value = configuration[OtlpEndpointKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"{OtlpEndpointKey} is '{value}': use the collector's address, e.g. http://otel-collector:4317.");
        }

        var protocol = configuration[OtlpProtocolKey]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" or "http" => OtlpExportProtocol.HttpProtobuf,
            var other => throw new InvalidOperationException($"{OtlpProtocolKey} is '{other}': use grpc or http/protobuf."),
        };
        return (endpoint, protocol);
    }
}

/// <summary>The log scope of a signed-in request: <c>AccountId</c>, nothing else about the person.</summary>
internal sealed class AccountScope(string accountId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?> _item = new("AccountId", accountId);

    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] => index == 0 ? _item : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return _item;
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"AccountId:{_item.Value}";
}
