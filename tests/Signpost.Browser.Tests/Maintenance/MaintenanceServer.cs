using System.Diagnostics;
using System.Globalization;
using Signpost.Browser.Tests.Infrastructure;

namespace Signpost.Browser.Tests.Maintenance;

/// <summary>
/// A second running app (<c>signpost --demo</c>) for the maintenance tests, so the windows they plan never
/// show on the pages the rest of the suite (and the README screenshots) look at. Windows are planned with
/// the real <c>signpost maintenance</c> command against its database, as an operator would, on the real clock.
/// </summary>
public sealed class MaintenanceServer : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private SignpostServer? _server;

    public SignpostServer Server => _server ?? throw new InvalidOperationException("The maintenance server has not started.");

    /// <summary>A portal window that starts a day from now: inside the 72-hour notice, planned at start-up.</summary>
    public string UpcomingId { get; private set; } = "";

    public DateTime UpcomingStart { get; private set; }

    public DateTime UpcomingEnd { get; private set; }

    public const string UpcomingMessage = "Claims database upgrade: the portal is offline for two hours.";

    public async ValueTask InitializeAsync()
    {
        // The windows are planned by another process (the command line), which a node's sign-in gate sees only
        // within Signpost:MaintenanceCacheSeconds (docs/maintenance.md); 0 here, so each step shows at once.
        _server = await SignpostServer.StartAsync(["--Signpost:MaintenanceCacheSeconds=0"]);
        var now = DateTime.UtcNow;
        UpcomingStart = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, DateTimeKind.Utc).AddDays(1);
        UpcomingEnd = UpcomingStart.AddHours(2);
        UpcomingId = await ScheduleAsync(UpcomingStart, UpcomingEnd, "portal", UpcomingMessage);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Runs <c>signpost maintenance schedule</c> (times in UTC) and returns the new window's ID.</summary>
    public async Task<string> ScheduleAsync(DateTime startUtc, DateTime endUtc, string scope, string message)
    {
        var output = await RunAsync(
            "maintenance", "schedule", "--start", Format(startUtc), "--end", Format(endUtc), "--time-zone", "UTC", "--scope", scope, "--message", message);
        var first = output.Split('\n', StringSplitOptions.TrimEntries)[0];
        Assert.StartsWith("Scheduled ", first, StringComparison.Ordinal);
        return first["Scheduled ".Length..];
    }

    /// <summary>Runs <c>signpost maintenance close</c>: the work is declared finished.</summary>
    public Task CloseAsync(string id) => RunAsync("maintenance", "close", id);

    /// <summary>Runs the built <c>signpost</c> in the app's working folder; fails the test with its output unless it exits 0.</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = Server.WorkingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Repository.AppDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The command line runs in Production (no --demo): it needs the explicit allow flag without a key-ring certificate.
        start.Environment["Signpost__DataProtection__AllowUnprotectedKeys"] = "true";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("signpost did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"signpost {string.Join(' ', args)} did not finish within {CommandTimeout.TotalSeconds} s.");
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"signpost {string.Join(' ', args)} exited {process.ExitCode}:\n{output}\n{await stderr}");
        return output;
    }

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
