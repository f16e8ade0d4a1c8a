using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Signpost.Core.Audit;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Setup;

/// <summary>Settings under <c>Signpost:Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string Section = "Signpost:Audit";

    /// <summary>Minutes between checkpoints of the audit chain's head (one node writes them).</summary>
    [Range(1, 24 * 60)]
    public int CheckpointIntervalMinutes { get; set; } = 60;
}

/// <summary>
/// Anchors the audit chain's head: at start and every <see cref="AuditOptions.CheckpointIntervalMinutes"/>, one
/// node checks the chain from the previous checkpoint and records the head (entry count, hash, time) in the
/// checkpoint table and in the log. The log line is the copy outside the database: ship the log elsewhere and
/// a database edited to match stays caught. See docs/audit.md.
/// </summary>
public sealed partial class AuditCheckpointJob(IServiceScopeFactory scopes, IOptions<AuditOptions> options, JobLeases leases, ILogger<AuditCheckpointJob> logger)
    : BackgroundService
{
    public const string JobName = "audit-checkpoint";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        leases.RunEveryAsync(JobName, TimeSpan.FromMinutes(options.Value.CheckpointIntervalMinutes), async ct =>
        {
            try
            {
                await RunOnceAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }, stoppingToken);

    /// <summary>One checkpoint, as the timer runs it: written and logged, or the break logged when the chain no longer fits.</summary>
    public async Task<(AuditCheckpoint? Written, AuditCheckpointVerification SincePrevious)> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<AuditCheckpoints>().WriteAsync(cancellationToken);
        Log(logger, result);
        return result;
    }

    internal static void Log(ILogger logger, (AuditCheckpoint? Written, AuditCheckpointVerification SincePrevious) result)
    {
        if (result.SincePrevious is { Checkpoint: { } previous, Verification: { Intact: false } broken })
        {
            LogBroken(logger, previous.Sequence, previous.Head, broken.Problem ?? "");
        }
        else if (result.Written is { } written)
        {
            LogWritten(logger, written.Sequence, written.Head, written.At);
        }
    }

    [LoggerMessage(EventId = 8101, EventName = "AuditCheckpointJob.Written", Level = LogLevel.Information, Message = "Audit checkpoint: {Entries} entries, head {Head}, at {At:O}")]
    private static partial void LogWritten(ILogger logger, long entries, string head, DateTimeOffset at);

    [LoggerMessage(EventId = 8102, EventName = "AuditCheckpointJob.Broken", Level = LogLevel.Error, Message = "The audit trail no longer matches its checkpoint of {Entries} entries (head {Head}): {Problem}. No new checkpoint was written; run signpost audit verify")]
    private static partial void LogBroken(ILogger logger, long entries, string head, string problem);

    [LoggerMessage(EventId = 8103, EventName = "AuditCheckpointJob.Failed", Level = LogLevel.Warning, Message = "The audit checkpoint run failed; the next run tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

public static class AuditCheckpointRegistration
{
    /// <summary>
    /// The audit trail and who is acting (the signed-in person, or the operator at the command line), and the
    /// checkpoint job that notices a trail changed after the fact.
    /// </summary>
    public static IServiceCollection AddSignpostAudit(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<AuditActors>();
        services.AddScoped<AuditTrail>();
        services.AddAuditCheckpoints();
        return services;
    }

    public static IServiceCollection AddAuditCheckpoints(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<AuditCheckpoints>();
        services.AddSingleton<AuditCheckpointJob>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditCheckpointJob>());
        return services;
    }
}
