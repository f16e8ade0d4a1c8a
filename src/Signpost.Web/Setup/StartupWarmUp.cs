using Microsoft.AspNetCore.DataProtection;
using Signpost.Core.Maintenance;

namespace Signpost.Web.Setup;

/// <summary>
/// What the first sign-in page reads, read once beside <c>serve</c>'s start (after the first-run check, on the same
/// background task) so the first request finds it done: the key ring (its rows and their XML, for the form stamp and
/// the anti-forgery token) and the maintenance board (its query compiled). Nothing is skipped: the page still reads
/// both, from the caches every later request uses. A failure here is the first request's to meet and report, so it
/// is swallowed (docs/cli.md, "What a start costs").
/// </summary>
public static class StartupWarmUp
{
    public static async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        try
        {
            // The same purpose strings are not needed: the key ring is one per application, loaded once and cached.
            services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Signpost.StartupWarmUp").Protect([0]);
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<MaintenanceBoard>().ReadAsync(MaintenanceAudience.Of([]), cancellationToken);
            StartupTrace.Mark("warmed (key ring, maintenance board)");
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The first request reads both itself, and reports what fails there.
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
