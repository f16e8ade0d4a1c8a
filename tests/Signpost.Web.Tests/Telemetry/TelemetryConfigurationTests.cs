using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Telemetry;

/// <summary>
/// Export follows configuration (docs/observability.md): nothing is collected without an OTLP endpoint,
/// the pipeline is there with one, and an endpoint that is not a URL stops the start naming the setting.
/// </summary>
public sealed class TelemetryConfigurationTests
{
    [Fact]
    public async Task Host_NoEndpointConfigured_RegistersNoTracerOrMeterProvider()
    {
        await using var app = new SignpostFactory();

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task Host_OtlpEndpointConfigured_CollectsTracesAndMetrics()
    {
        // A closed port: the exporter may fail to deliver; what is tested is that the pipeline is built.
        await using var app = new EndpointApp("http://127.0.0.1:9");

        Assert.NotNull(app.Services.GetService<TracerProvider>());
        Assert.NotNull(app.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task Host_OtlpEndpointNotAUrl_RefusesToStartNamingTheSetting()
    {
        await using var app = new EndpointApp("collector:4317");

        var failure = Record.Exception(() => app.Services);

        var refused = Assert.IsType<InvalidOperationException>(failure);
        Assert.Contains(Signpost.Web.Setup.Telemetry.OtlpEndpointKey, refused.Message, StringComparison.Ordinal);
    }

    private sealed class EndpointApp(string endpoint) : SignpostFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(Signpost.Web.Setup.Telemetry.OtlpEndpointKey, endpoint);
        }
    }
}
