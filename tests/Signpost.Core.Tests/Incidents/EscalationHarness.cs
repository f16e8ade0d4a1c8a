using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Audit;
using Signpost.Core.Escalation;
using Signpost.Core.Events;
using Signpost.Core.Incidents;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Core.Reasons;
using Signpost.Core.Tests.Fakes;

namespace Signpost.Core.Tests.Incidents;

/// <summary>The escalation engine over in-memory stores and a fake clock; events are written as the recorder would.</summary>
public sealed class EscalationHarness
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Start);
    public InMemoryIncidentStore Store { get; } = new();
    public EscalationOptions Options { get; } = new();
    public WebhookOptions Webhook { get; } = new() { Url = "https://tickets.example/hook", Secret = new string('s', 32) };
    public IncidentService Incidents { get; }
    public EscalationEngine Engine { get; }

    public EscalationHarness()
    {
        Incidents = new IncidentService(Store, Store, new TraceOnlyFactsCollector(), new AuditTrail(Store, Time), new FixedOptionsMonitor<WebhookOptions>(Webhook), Time);
        Engine = new EscalationEngine(Store, Incidents, new FixedOptionsMonitor<EscalationOptions>(Options));
    }

    /// <summary>Writes an event at <see cref="Time"/> + <paramref name="after"/> and evaluates it, as the live path does.</summary>
    public async Task<EvaluationResult> RecordAsync(TimeSpan after, SignInMethod method, string reasonCode, Guid? accountId, Guid? organizationId = null,
        string? browser = "Chrome", string? version = "120.0", string? network = null, string? ip = "203.0.113.10", string? identifier = null)
    {
        var e = Store.Add(new SignInEvent
        {
            TraceId = Guid.NewGuid().ToString("N"),
            OccurredAt = Start + after,
            AccountId = accountId,
            OrganizationId = organizationId,
            Identifier = identifier,
            Method = method,
            Succeeded = ReasonCatalogue.Get(reasonCode).IsSuccess,
            ReasonCode = reasonCode,
            ShownReasonCode = reasonCode,
            Browser = browser,
            BrowserVersion = version,
            NetworkLabel = network,
            ClientIp = ip,
        });
        if (e.OccurredAt > Time.GetUtcNow())
        {
            Time.SetUtcNow(e.OccurredAt); // an event written out of order leaves the clock where it was
        }

        return await Engine.EvaluateAsync(e, CancellationToken.None);
    }

    public static TimeSpan Minutes(double minutes) => TimeSpan.FromMinutes(minutes);
}
