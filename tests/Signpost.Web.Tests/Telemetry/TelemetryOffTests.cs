using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Telemetry;

/// <summary>Without an OTLP endpoint nothing is collected or exported: no tracer or meter provider exists.</summary>
public sealed class TelemetryOffTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public void Host_NoEndpointConfigured_RegistersNoTracerOrMeterProvider()
    {
        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
    }
}
