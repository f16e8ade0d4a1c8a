using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Passwords;
using Signpost.Web.Passwords;

namespace Signpost.Web.Tests.Passwords;

/// <summary>
/// The breached-password check against a real HTTP server on 127.0.0.1 speaking the range protocol,
/// through the services exactly as <see cref="PasswordServiceCollectionExtensions.AddSignpostPasswordPolicy"/> registers them.
/// </summary>
public sealed class BreachCheckTests
{
    private const string Password = "purple tractor sings at midnight";

    private static readonly string Hash = Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(Password)));
    private static readonly string Prefix = Hash[..5];
    private static readonly string Suffix = Hash[5..];

    private static readonly PasswordContext Context = new(
        new Account { Username = "frontdesk.jordan.lee", Email = "jordan.lee@clinic.example", DisplayName = "Jordan Lee" },
        ["Riverside Family Practice"]);

    [Fact]
    public async Task CheckAsync_SuffixListed_BreachedAndPasswordRejected()
    {
        // Arrange
        await using var server = await RangeServer.StartAsync(context => context.Response.WriteAsync(
            $"0018A45C4D1DEF81644B54AB7F969B88D65:3\r\n{Suffix}:1234\r\n00D4F6E8FA6EECAD2A3AA415EEC418D38EC:0\r\n"));
        await using var services = Services(server.BaseUrl);

        // Act
        var outcome = await services.GetRequiredService<IBreachedPasswordCheck>().CheckAsync(Password, CancellationToken.None);
        var verdict = await services.GetRequiredService<PasswordPolicy>().CheckAsync(Password, Context, CancellationToken.None);

        // Assert
        Assert.Equal(new BreachCheckOutcome.Breached(1234), outcome);
        var failure = Assert.Single(verdict.Failures);
        Assert.Equal(PasswordRules.Breached, failure.Rule);
        Assert.Contains("1,234 times", failure.Message, StringComparison.Ordinal);

        // Assert: only the five-character prefix left, with padding asked for (k-anonymity).
        var request = Assert.Single(server.Requests.Distinct());
        Assert.Equal($"/range/{Prefix}", request.Path);
        Assert.Equal("true", request.AddPadding);
        Assert.DoesNotContain(Suffix, request.Path, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CheckAsync_SuffixAbsent_NotFoundAndPasswordAccepted()
    {
        // Arrange
        await using var server = await RangeServer.StartAsync(context => context.Response.WriteAsync(
            "0018A45C4D1DEF81644B54AB7F969B88D65:3\n00D4F6E8FA6EECAD2A3AA415EEC418D38EC:12\n"));
        await using var services = Services(server.BaseUrl);

        // Act
        var outcome = await services.GetRequiredService<IBreachedPasswordCheck>().CheckAsync(Password, CancellationToken.None);
        var verdict = await services.GetRequiredService<PasswordPolicy>().CheckAsync(Password, Context, CancellationToken.None);

        // Assert
        Assert.IsType<BreachCheckOutcome.NotFound>(outcome);
        Assert.True(verdict.Accepted);
        Assert.Null(verdict.Note);
    }

    [Fact]
    public async Task CheckAsync_SuffixOnlyOnAPaddingLine_NotFound()
    {
        // Arrange: padding lines carry a count of 0 and are not breaches.
        await using var server = await RangeServer.StartAsync(context => context.Response.WriteAsync($"{Suffix}:0\r\n"));
        await using var services = Services(server.BaseUrl);

        // Act
        var outcome = await services.GetRequiredService<IBreachedPasswordCheck>().CheckAsync(Password, CancellationToken.None);

        // Assert
        Assert.IsType<BreachCheckOutcome.NotFound>(outcome);
    }

    [Fact]
    public async Task CheckAsync_ServerDown_UnavailableAndAcceptedWithANote()
    {
        // Arrange: a port that was just free, so nothing listens there.
        await using var services = Services($"http://127.0.0.1:{ClosedPort()}");

        // Act
        var outcome = await services.GetRequiredService<IBreachedPasswordCheck>().CheckAsync(Password, CancellationToken.None);
        var verdict = await services.GetRequiredService<PasswordPolicy>().CheckAsync(Password, Context, CancellationToken.None);

        // Assert
        Assert.Equal(new BreachCheckOutcome.Unavailable("the service could not be reached"), outcome);
        Assert.True(verdict.Accepted);
        Assert.Equal("The breach check could not run: the service could not be reached.", verdict.Note);
    }

    [Fact]
    public async Task CheckAsync_ServerDownAndRejectWhenUnavailable_RejectedToTryAgain()
    {
        // Arrange
        await using var services = Services($"http://127.0.0.1:{ClosedPort()}", rejectWhenUnavailable: true);

        // Act
        var verdict = await services.GetRequiredService<PasswordPolicy>().CheckAsync(Password, Context, CancellationToken.None);

        // Assert
        var failure = Assert.Single(verdict.Failures);
        Assert.Equal(PasswordRules.Breached, failure.Rule);
        Assert.Contains("could not run just now. Try again", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(verdict.Note);
    }

    [Fact]
    public async Task CheckAsync_ServerError_Unavailable()
    {
        // Arrange
        await using var server = await RangeServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        });
        await using var services = Services(server.BaseUrl);

        // Act
        var outcome = await services.GetRequiredService<IBreachedPasswordCheck>().CheckAsync(Password, CancellationToken.None);

        // Assert
        Assert.Equal(new BreachCheckOutcome.Unavailable("the service answered 503"), outcome);
    }

    [Fact]
    public async Task CheckAsync_ServerSlowerThanTheTimeout_UnavailableWithinTheTimeout()
    {
        // Arrange
        await using var server = await RangeServer.StartAsync(async context =>
            await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted));
        await using var services = Services(server.BaseUrl, timeoutSeconds: 1);
        var clock = Stopwatch.StartNew();

        // Act
        var outcome = await services.GetRequiredService<IBreachedPasswordCheck>().CheckAsync(Password, CancellationToken.None);

        // Assert
        Assert.Equal(new BreachCheckOutcome.Unavailable("no answer within 1 second"), outcome);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2.5));
    }

    [Fact]
    public async Task CheckAsync_BodyDripsSlowerThanTheTimeout_UnavailableWithinTheTimeout()
    {
        // Arrange: headers at once, then a line every half second: the deadline covers the body too.
        await using var server = await RangeServer.StartAsync(async context =>
        {
            await context.Response.StartAsync(context.RequestAborted);
            for (var i = 0; i < 40; i++)
            {
                await context.Response.WriteAsync("0018A45C4D1DEF81644B54AB7F969B88D65:3\r\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(TimeSpan.FromMilliseconds(500), context.RequestAborted);
            }
        });
        await using var services = Services(server.BaseUrl, timeoutSeconds: 1);
        var clock = Stopwatch.StartNew();

        // Act
        var outcome = await services.GetRequiredService<IBreachedPasswordCheck>().CheckAsync(Password, CancellationToken.None);

        // Assert
        Assert.Equal(new BreachCheckOutcome.Unavailable("no answer within 1 second"), outcome);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2.5));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CheckAsync_HugeResponse_UnavailableWithoutReadingItAll(bool declareLength)
    {
        // Arrange: 20 MB of well-formed lines, declared up front or streamed in chunks.
        var line = Encoding.ASCII.GetBytes("0018A45C4D1DEF81644B54AB7F969B88D65:3\r\n");
        const int lines = 500_000;
        var sent = 0L;
        await using var server = await RangeServer.StartAsync(async context =>
        {
            if (declareLength)
            {
                context.Response.ContentLength = (long)line.Length * lines;
            }

            for (var i = 0; i < lines; i++)
            {
                await context.Response.Body.WriteAsync(line, context.RequestAborted);
                Interlocked.Add(ref sent, line.Length);
            }
        });
        await using var services = Services(server.BaseUrl);

        // Act
        var outcome = await services.GetRequiredService<IBreachedPasswordCheck>().CheckAsync(Password, CancellationToken.None);

        // Assert
        Assert.Equal(new BreachCheckOutcome.Unavailable("the answer was too large"), outcome);
        Assert.True(Interlocked.Read(ref sent) < (long)line.Length * lines, "the client should stop reading early");
    }

    [Fact]
    public async Task AddSignpostPasswordPolicy_Default_BreachCheckOffAndAsksNoOne()
    {
        // Arrange
        await using var services = Services(baseUrl: null);

        // Act
        var check = services.GetRequiredService<IBreachedPasswordCheck>();
        var verdict = await services.GetRequiredService<PasswordPolicy>().CheckAsync(Password, Context, CancellationToken.None);

        // Assert
        Assert.IsType<NoBreachedPasswordCheck>(check);
        Assert.True(verdict.Accepted);
        Assert.Null(verdict.Note);
    }

    [Theory]
    [InlineData("Signpost:Passwords:BreachCheck:BaseUrl", "ftp://example.test", "BaseUrl")]
    [InlineData("Signpost:Passwords:BreachCheck:TimeoutSeconds", "0", "TimeoutSeconds")]
    public void AddSignpostPasswordPolicy_BadSetting_FailsNamingIt(string key, string value, string named)
    {
        // Arrange
        using var services = Services(baseUrl: null, extra: new() { [key] = value });

        // Act
        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PasswordPolicyOptions>>().Value);

        // Assert
        Assert.Contains($"Signpost:Passwords:BreachCheck:{named}", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>The password services as the host registers them; <paramref name="baseUrl"/> null leaves the check off.</summary>
    private static ServiceProvider Services(string? baseUrl, int timeoutSeconds = 3, bool rejectWhenUnavailable = false, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Signpost:Passwords:BreachCheck:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Signpost:Passwords:BreachCheck:RejectWhenUnavailable"] = rejectWhenUnavailable ? "true" : "false",
        };
        if (baseUrl is not null)
        {
            settings["Signpost:Passwords:BreachCheck:Enabled"] = "true";
            settings["Signpost:Passwords:BreachCheck:BaseUrl"] = baseUrl;
        }

        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddOptions<PasswordHashingOptions>();
        services.AddSingleton<PasswordHashing>();
        services.AddSignpostPasswordPolicy();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A Kestrel server on 127.0.0.1 and a free port, answering every request with the given handler.</summary>
    private sealed class RangeServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private RangeServer(WebApplication app, string baseUrl)
        {
            _app = app;
            BaseUrl = baseUrl;
        }

        public string BaseUrl { get; }

        public ConcurrentQueue<(string Path, string? AddPadding)> Requests { get; } = new();

        public static async Task<RangeServer> StartAsync(RequestDelegate handler)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            RangeServer? server = null;
            app.Run(context =>
            {
                server!.Requests.Enqueue((context.Request.Path.Value ?? "", context.Request.Headers["Add-Padding"].FirstOrDefault()));
                return handler(context);
            });
            await app.StartAsync();
            server = new RangeServer(app, app.Urls.Single());
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _app.StopAsync(patience.Token);
            await _app.DisposeAsync();
        }
    }
}
