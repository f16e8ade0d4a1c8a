using System.Diagnostics;
using Signpost.Core.Email;
using Signpost.Core.Telemetry;

namespace Signpost.Web.Email;

/// <summary>
/// Every email Signpost sends, whoever sends it (the outbox, incidents, maintenance notices, reminders,
/// credential audits), as a span (<c>signpost.email.send</c>) and a count by outcome
/// (<c>signpost.email.deliveries</c>, docs/observability.md). Neither carries an address, subject or link.
/// </summary>
internal sealed class InstrumentedEmailSender(IEmailSender inner, string transport, SignpostMetrics metrics) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        using var span = SignpostTelemetry.Source.StartActivity("signpost.email.send");
        span?.SetTag(SignpostTelemetry.Tags.Transport, transport);
        span?.SetTag("signpost.email.recipients", message.To.Count);
        try
        {
            await inner.SendAsync(message, cancellationToken);
        }
        catch (EmailDeliveryException ex)
        {
            var outcome = ex.ServerUnavailable ? "server_unavailable" : "refused";
            span?.SetTag(SignpostTelemetry.Tags.Outcome, outcome);
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            metrics.EmailDelivery(transport, outcome);
            throw;
        }

        span?.SetTag(SignpostTelemetry.Tags.Outcome, "sent");
        metrics.EmailDelivery(transport, "sent");
    }
}
