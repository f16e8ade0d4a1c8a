using Microsoft.Extensions.Options;
using Signpost.Core.Escalation;
using Signpost.Core.Events;
using Signpost.Core.Incidents;
using Signpost.Web.Setup;

namespace Signpost.Web.Incidents;

/// <summary>
/// Evaluates the escalation rules off the sign-in path: the live loop drains <see cref="EscalationQueue"/>
/// on every node; the catch-up sweep (leased, one node) evaluates every event above the high-water mark,
/// so events lost with a crashed process or a full queue are still evaluated. Both are idempotent (unique
/// firing and open-incident keys), so an event evaluated twice still makes one firing and one incident.
/// An evaluation that throws is logged and dropped; the next sweep tries the event again.
/// </summary>
public sealed partial class EscalationWorker(
    EscalationQueue queue,
    IServiceScopeFactory scopes,
    IOptions<IncidentOptions> options,
    JobLeases leases,
    ILogger<EscalationWorker> logger) : BackgroundService
{
    public const string SweepJobName = "escalation-sweep";

    /// <summary>Events read per sweep batch.</summary>
    public const int SweepBatch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await Task.WhenAll(
            LiveAsync(stoppingToken),
            leases.RunEveryAsync(SweepJobName, TimeSpan.FromSeconds(options.Value.SweepIntervalSeconds), SweepAsync, stoppingToken));
    }

    private async Task LiveAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var signInEvent in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await EvaluateAsync(signInEvent, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; what is still queued is above the mark and the next sweep evaluates it.
        }
    }

    /// <summary>Evaluates one event in its own scope; true when it ran to the end.</summary>
    public async Task<bool> EvaluateAsync(SignInEvent signInEvent, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<EscalationEngine>().EvaluateAsync(signInEvent, cancellationToken);
            foreach (var (firing, raised) in result.Firings)
            {
                LogFired(logger, firing.RuleId, firing.Subject, raised.Outcome, raised.Incident?.Id, signInEvent.TraceId);
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogEvaluationFailed(logger, signInEvent.Id, ex);
            return false;
        }
    }

    /// <summary>
    /// One sweep: evaluates events above the high-water mark in ID order and raises the mark past each
    /// one evaluated; stops at the first failure so that event is tried again. The first sweep on a
    /// database sets the mark at the newest event: history from before the rules existed is not escalated.
    /// </summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var reader = scope.ServiceProvider.GetRequiredService<IEscalationReader>();
        if (await reader.GetHighWaterMarkAsync(cancellationToken) is not { } mark)
        {
            await reader.RaiseHighWaterMarkAsync(await reader.LatestEventIdAsync(cancellationToken), cancellationToken);
            return;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = await reader.ListAfterAsync(mark, SweepBatch, cancellationToken);
            if (batch.Count == 0)
            {
                return;
            }

            foreach (var signInEvent in batch)
            {
                if (!await EvaluateAsync(signInEvent, cancellationToken))
                {
                    await reader.RaiseHighWaterMarkAsync(mark, cancellationToken);
                    return;
                }

                mark = signInEvent.Id;
            }

            await reader.RaiseHighWaterMarkAsync(mark, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 3202, EventName = "EscalationWorker.Fired", Level = LogLevel.Warning, Message = "Escalation rule {RuleId} fired for {Subject}: {Outcome}, incident {IncidentId} (event {TraceId})")]
    private static partial void LogFired(ILogger logger, string ruleId, string subject, RaiseOutcome outcome, Guid? incidentId, string traceId);

    [LoggerMessage(EventId = 3203, EventName = "EscalationWorker.EvaluationFailed", Level = LogLevel.Error, Message = "Evaluating escalation rules for event {EventId} failed; the sweep tries again")]
    private static partial void LogEvaluationFailed(ILogger logger, long eventId, Exception exception);
}
