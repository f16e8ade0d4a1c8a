using System.Diagnostics;
using System.Diagnostics.Metrics;
using Signpost.Core.Events;

namespace Signpost.Core.Telemetry;

/// <summary>
/// Signpost's own instruments on the <see cref="SignpostTelemetry.MeterName"/> meter, made through the host's
/// <see cref="IMeterFactory"/> (one meter per service provider, so test hosts in one process do not share
/// counts). The table of names, units and attributes is in docs/observability.md; attributes are bounded
/// sets (reason codes, methods, job names), never a person, address or identifier.
/// </summary>
public sealed class SignpostMetrics
{
    private readonly Counter<long> _signIns;
    private readonly Counter<long> _lockouts;
    private readonly Histogram<double> _hashDuration;
    private readonly Counter<long> _emails;
    private readonly Counter<long> _webhooks;
    private readonly Counter<long> _jobRuns;
    private readonly Histogram<double> _jobDuration;
    private readonly Counter<long> _incidents;
    private readonly Counter<long> _admissionRefusals;
    private readonly Meter _meter;

    public SignpostMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(SignpostTelemetry.MeterName);
        _meter = meter;
        _signIns = meter.CreateCounter<long>("signpost.sign_in.outcomes", "{attempt}",
            "Sign-in attempts and recovery steps, one per sign-in event, by exact reason code and method.");
        _lockouts = meter.CreateCounter<long>("signpost.lockouts", "{lock}",
            "Locks engaged by a counted wrong password (untrusted browsers, or one trusted device).");
        _hashDuration = meter.CreateHistogram("signpost.password.hash.duration", "s",
            "Time spent in PBKDF2: verifying a password (against the dummy hash too) or hashing a new one.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5] });
        _emails = meter.CreateCounter<long>("signpost.email.deliveries", "{message}",
            "Emails handed to the mail server or pickup folder, by outcome (sent, server_unavailable, refused).");
        _webhooks = meter.CreateCounter<long>("signpost.webhook.deliveries", "{attempt}",
            "Webhook delivery attempts, by outcome (delivered, retrying, given_up).");
        _jobRuns = meter.CreateCounter<long>("signpost.job.runs", "{run}",
            "Runs of scheduled jobs on the node holding the job's lease, by job and outcome (completed, failed).");
        _jobDuration = meter.CreateHistogram("signpost.job.duration", "s", "How long each scheduled job run took.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        _incidents = meter.CreateCounter<long>("signpost.incidents.opened", "{incident}",
            "Incidents opened, by source (rule, help_request) and, for a rule, its ID.");
        _admissionRefusals = meter.CreateCounter<long>("signpost.password.admission.refused", "{attempt}",
            "Untrusted password attempts refused (rate_limited) without hashing because the untrusted queue was full.");
    }

    /// <summary>
    /// The hash admission gate's depth as observable gauges: hashes running, and attempts waiting by queue
    /// (<c>trusted</c>, <c>untrusted</c>). Called once by the gate (a singleton) when it is made.
    /// </summary>
    public void ObserveHashAdmission(SignIn.HashAdmission admission)
    {
        _meter.CreateObservableGauge("signpost.password.admission.running", () => admission.State.Running, "{hash}",
            "Password hashes running now on this node, through the admission gate.");
        _meter.CreateObservableGauge("signpost.password.admission.waiting", () =>
        {
            var state = admission.State;
            return new[]
            {
                new Measurement<int>(state.WaitingTrusted, new KeyValuePair<string, object?>(SignpostTelemetry.Tags.Queue, "trusted")),
                new Measurement<int>(state.WaitingUntrusted, new KeyValuePair<string, object?>(SignpostTelemetry.Tags.Queue, "untrusted")),
            };
        }, "{attempt}", "Password attempts waiting for a hash on this node, by queue (trusted, untrusted).");
    }

    /// <summary>
    /// Refusals' events written together (docs/capacity.md): events waiting for their shared transaction, the
    /// transactions and events written, and refusals that found the queue full and wrote their own event.
    /// </summary>
    public void ObserveRefusalEvents(Events.RefusalEventBatch batch)
    {
        _meter.CreateObservableGauge("signpost.refusal_events.queued", () => batch.Queued, "{event}",
            "rate_limited events waiting on this node for the write transaction they share.");
        _meter.CreateObservableCounter("signpost.refusal_events.batches", () => batch.Batches, "{transaction}",
            "Write transactions that committed rate_limited events together on this node.");
        _meter.CreateObservableCounter("signpost.refusal_events.written", () => batch.Events, "{event}",
            "rate_limited events committed in those shared transactions.");
        _meter.CreateObservableCounter("signpost.refusal_events.written_alone", () => batch.WrittenAlone, "{event}",
            "rate_limited events written in their own transaction because the queue was full (none is dropped).");
    }

    /// <summary>An untrusted attempt found the untrusted queue full and was refused without a hash.</summary>
    public void HashAdmissionRefused() => _admissionRefusals.Add(1);

    /// <summary>One sign-in event was committed.</summary>
    public void SignInRecorded(SignInMethod method, string reasonCode, bool succeeded) =>
        _signIns.Add(1, new TagList
        {
            { SignpostTelemetry.Tags.ReasonCode, reasonCode },
            { SignpostTelemetry.Tags.Method, SignpostTelemetry.MethodTag(method) },
            { SignpostTelemetry.Tags.Succeeded, succeeded },
        });

    /// <summary>A wrong password engaged a lock.</summary>
    public void LockEngaged(bool trustedDevice) =>
        _lockouts.Add(1, new KeyValuePair<string, object?>(SignpostTelemetry.Tags.LockScope, trustedDevice ? "trusted_device" : "untrusted"));

    /// <summary>One PBKDF2 run (<c>verify</c> or <c>hash</c>).</summary>
    public void PasswordHashed(string operation, TimeSpan elapsed) =>
        _hashDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(SignpostTelemetry.Tags.Operation, operation));

    /// <summary>One email handed over, or not (<c>sent</c>, <c>server_unavailable</c>, <c>refused</c>).</summary>
    public void EmailDelivery(string transport, string outcome) =>
        _emails.Add(1, new TagList { { SignpostTelemetry.Tags.Transport, transport }, { SignpostTelemetry.Tags.Outcome, outcome } });

    /// <summary>One webhook attempt (<c>delivered</c>, <c>retrying</c>, <c>given_up</c>).</summary>
    public void WebhookDelivery(string outcome) =>
        _webhooks.Add(1, new KeyValuePair<string, object?>(SignpostTelemetry.Tags.Outcome, outcome));

    /// <summary>One run of a scheduled job on the lease holder (<c>completed</c> or <c>failed</c>).</summary>
    public void JobRan(string job, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { SignpostTelemetry.Tags.Job, job }, { SignpostTelemetry.Tags.Outcome, outcome } };
        _jobRuns.Add(1, tags);
        _jobDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>An incident was opened (<c>rule</c> with its rule ID, or <c>help_request</c>).</summary>
    public void IncidentOpened(string source, string? ruleId)
    {
        var tags = new TagList { { SignpostTelemetry.Tags.IncidentSource, source } };
        if (ruleId is not null)
        {
            tags.Add(SignpostTelemetry.Tags.Rule, ruleId);
        }

        _incidents.Add(1, tags);
    }
}
