using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Core.Telemetry;

namespace Signpost.Web.Incidents;

/// <summary>The outcome of one dispatcher run, for logs and tests.</summary>
public sealed record WebhookRun(int Delivered, int Retrying, int Failed);

/// <summary>
/// Sends due webhook deliveries: signs each body (<see cref="WebhookSignature"/>), posts it with a short
/// timeout, logs the attempt (status, error, duration) and schedules a retry with exponential backoff
/// until <see cref="WebhookOptions.MaxAttempts"/>. Runs in the leased delivery job, never in a request,
/// so a slow or dead endpoint costs this job time and nobody's sign-in.
/// </summary>
public sealed partial class WebhookDispatcher(
    IWebhookDeliveryStore store,
    IHttpClientFactory clients,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger,
    SignpostMetrics? metrics = null)
{
    /// <summary>The named <see cref="HttpClient"/>: no redirects (a signed body goes only where configured), no cookies.</summary>
    public const string ClientName = "signpost-webhook";

    /// <summary>Deliveries sent per run; the rest wait for the next run.</summary>
    public const int BatchSize = 50;

    public async Task<WebhookRun> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled)
        {
            return new WebhookRun(0, 0, 0);
        }

        int delivered = 0, retrying = 0, failed = 0;
        var timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        foreach (var delivery in await store.ListDueAsync(time.GetUtcNow(), BatchSize, cancellationToken))
        {
            // Claim past the attempt's longest run: a node that dies mid-attempt leaves it due again soon after.
            if (!await store.TryClaimAsync(delivery.Id, delivery.NextAttemptAt, time.GetUtcNow() + timeout + TimeSpan.FromSeconds(30), cancellationToken))
            {
                continue;
            }

            // One span per attempt (docs/observability.md); the HTTP call is its child.
            using var span = SignpostTelemetry.Source.StartActivity("signpost.webhook.deliver");
            span?.SetTag("signpost.webhook.delivery_id", delivery.Id.ToString());
            span?.SetTag("signpost.webhook.event", delivery.EventType);
            span?.SetTag("signpost.webhook.attempt", delivery.Attempts + 1);
            var attempt = await SendAsync(delivery, settings, timeout, cancellationToken);
            delivery.Attempts++;
            delivery.LastStatusCode = attempt.StatusCode;
            delivery.LastError = attempt.Error;
            var now = time.GetUtcNow();
            if (attempt.Error is null)
            {
                delivery.Status = WebhookDeliveryStatus.Delivered;
                delivery.CompletedAt = now;
                delivered++;
            }
            else if (delivery.Attempts >= settings.MaxAttempts)
            {
                delivery.Status = WebhookDeliveryStatus.Failed;
                delivery.CompletedAt = now;
                failed++;
                LogGaveUp(logger, delivery.Id, delivery.IncidentId, delivery.Attempts, attempt.Error);
            }
            else
            {
                delivery.NextAttemptAt = now + WebhookBackoff.DelayAfter(delivery.Attempts, settings);
                retrying++;
                LogRetrying(logger, delivery.Id, delivery.Attempts, attempt.Error, delivery.NextAttemptAt);
            }

            attempt.Number = delivery.Attempts;
            await store.RecordAttemptAsync(delivery, attempt, CancellationToken.None);
            var outcome = delivery.Status switch
            {
                WebhookDeliveryStatus.Delivered => "delivered",
                WebhookDeliveryStatus.Failed => "given_up",
                _ => "retrying",
            };
            span?.SetTag(SignpostTelemetry.Tags.Outcome, outcome);
            if (attempt.StatusCode is { } status)
            {
                span?.SetTag("http.response.status_code", status);
            }

            if (attempt.Error is not null)
            {
                span?.SetStatus(ActivityStatusCode.Error, attempt.Error);
            }

            metrics?.WebhookDelivery(outcome);
        }

        return new WebhookRun(delivered, retrying, failed);
    }

    private async Task<WebhookAttempt> SendAsync(WebhookDelivery delivery, WebhookOptions settings, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var attempt = new WebhookAttempt { DeliveryId = delivery.Id, At = time.GetUtcNow() };
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(settings.Secret!, timestamp, delivery.Payload));
        request.Headers.TryAddWithoutValidation(WebhookSignature.DeliveryHeader, delivery.Id.ToString());
        request.Headers.TryAddWithoutValidation(WebhookSignature.EventHeader, delivery.EventType);

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            attempt.StatusCode = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                attempt.Error = Cut($"The endpoint answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            attempt.Error = $"No answer within {settings.TimeoutSeconds} s (timeout).";
        }
        catch (HttpRequestException ex)
        {
            // The message names the host and the socket error, never the secret or the body.
            attempt.Error = Cut($"Could not reach the endpoint: {ex.HttpRequestError} ({ex.Message}).");
        }

        attempt.DurationMs = (int)Math.Min(int.MaxValue, stopwatch.ElapsedMilliseconds);
        return attempt;
    }

    private static string Cut(string value) => value.Length <= WebhookAttempt.MaxErrorLength ? value : value[..WebhookAttempt.MaxErrorLength];

    [LoggerMessage(EventId = 3211, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} attempt {Attempt} failed: {Error}; next attempt at {NextAttemptAt:O}")]
    private static partial void LogRetrying(ILogger logger, Guid deliveryId, int attempt, string error, DateTimeOffset nextAttemptAt);

    [LoggerMessage(EventId = 3212, Level = LogLevel.Error, Message = "Webhook delivery {DeliveryId} for incident {IncidentId} given up after {Attempts} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, Guid deliveryId, Guid incidentId, int attempts, string error);
}
