using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Telemetry;

/// <summary>
/// Export follows configuration (docs/observability.md): nothing is collected without an OTLP endpoint,
/// the pipeline is there with one, and an endpoint that is not a URL stops <c>serve</c> naming the setting.
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
    public async Task Serve_OtlpEndpointNotAUrl_ExitsTwoNamingTheSetting()
    {
        // Arrange: the real executable, as an operator runs it (a wrong setting is exit 2, docs/cli.md).
        var folder = Directory.CreateTempSubdirectory("signpost-otlp-").FullName;
        try
        {
            // Act
            var run = await SignpostProcess.RunAsync($"Data Source={Path.Combine(folder, "signpost.db")}", folder, null,
                "serve", "--Signpost:Telemetry:OtlpEndpoint=collector:4317");

            // Assert: one line naming the setting, and nothing started or created.
            Assert.True(run.ExitCode == 2, run.ToString());
            var line = Assert.Single(run.StderrLines);
            Assert.Contains("Signpost:Telemetry:OtlpEndpoint is 'collector:4317'", line, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
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
