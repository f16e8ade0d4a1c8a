using Microsoft.Extensions.Options;
using Signpost.Core.Passwords;
using Signpost.Web.Infrastructure;
using Signpost.Web.Setup;

namespace Signpost.Web.Passwords;

/// <summary>
/// Runs <see cref="PasswordExpiryReminders"/> at start and then every
/// <see cref="ExpiryReminderOptions.IntervalMinutes"/>, on the injected clock. The decisions live in Core;
/// this only runs them and logs what happened. A message that could not be sent is not recorded, so the
/// next run sends it.
/// </summary>
public sealed class PasswordExpiryReminderJob(
    IServiceScopeFactory scopes,
    IOptionsMonitor<SignpostOptions> options,
    IOptions<ExpiryReminderOptions> reminderOptions,
    JobLeases leases,
    ILogger<PasswordExpiryReminderJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!reminderOptions.Value.Enabled)
        {
            return;
        }

        await leases.RunEveryAsync(JobName, TimeSpan.FromMinutes(reminderOptions.Value.IntervalMinutes), RunOnceAsync, stoppingToken);
    }

    /// <summary>The lease that makes one node of many run this job.</summary>
    public const string JobName = "password-expiry-reminders";

    /// <summary>One run: every reminder due now, each at most once; a failure is logged, not thrown.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var outcomes = await scope.ServiceProvider.GetRequiredService<PasswordExpiryReminders>()
                .RunAsync(options.CurrentValue.PublicBaseUrl, cancellationToken);
            PasswordExpiryLog.Outcomes(logger, outcomes);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            PasswordExpiryLog.RunFailed(logger, ex);
        }
    }
}
