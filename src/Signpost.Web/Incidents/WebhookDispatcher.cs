using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Core.Telemetry;
using Signpost.Web.OpenIdProvider;
using StandardWebhooks;

namespace Signpost.Web.Incidents;

/// <summary>The outcome of one dispatcher run, for logs and tests.</summary>
public sealed record WebhookRun(int Delivered, int Retrying, int Failed);

/// <summary>
/// Sends due deliveries of both kinds in the queue (<see cref="WebhookDelivery"/>). A ticketing webhook is signed
/// in the Standard Webhooks format (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c> with one
/// <c>v1,</c> signature per signing secret: <see cref="WebhookSecrets"/>) and, for one more release, the deprecated
/// <see cref="WebhookSignature"/> headers. A back-channel logout is a form POST of <c>logout_token</c> to the
/// client's registered URI, the token signed by the OpenID Connect provider at each attempt (<see cref="LogoutTokens"/>;
/// docs/oidc-provider.md "Back-channel logout"). Either way: a short timeout, the attempt logged (status, error,
/// duration) and a retry scheduled with exponential backoff until <see cref="WebhookOptions.MaxAttempts"/>. Runs in
/// the leased delivery job, never in a request, so a slow or dead endpoint costs this job time and nobody's sign-in.
/// </summary>
public sealed partial class WebhookDispatcher(
    IWebhookDeliveryStore store,
    WebhookSecrets secrets,
    LogoutTokens logoutTokens,
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
        // The retry settings are the webhook's for both kinds; without a webhook URL only back-channel logouts are sent.
        var settings = options.CurrentValue;
        int delivered = 0, retrying = 0, failed = 0;
        var timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        var due = await store.ListDueAsync(time.GetUtcNow(), BatchSize, includeWebhooks: settings.Enabled, cancellationToken);
        var signers = !due.Any(d => d.ClientId is null) ? [] : (await secrets.SigningKeysAsync(cancellationToken)).Select(key => new StandardWebhook(key)).ToList();
        foreach (var delivery in due)
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
            var attempt = delivery.ClientId is null
                ? await SendWebhookAsync(delivery, settings, signers, timeout, cancellationToken)
                : await SendLogoutAsync(delivery, settings, timeout, cancellationToken);
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
                LogGaveUp(logger, delivery.Id, delivery.EventType, Receiver(delivery), delivery.Attempts, attempt.Error);
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

    private static string Receiver(WebhookDelivery delivery) =>
        delivery.ClientId is null ? $"incident {delivery.IncidentId}" : $"client '{delivery.ClientId}'";

    private async Task<WebhookAttempt> SendWebhookAsync(WebhookDelivery delivery, WebhookOptions settings, IReadOnlyList<StandardWebhook> signers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var attempt = new WebhookAttempt { DeliveryId = delivery.Id, At = time.GetUtcNow() };
        if (signers.Count == 0)
        {
            // Stored secrets that no longer decrypt (a lost key ring): an unsigned ticket would be refused anyway.
            attempt.Error = "No signing secret can be read; rotate the secret (signpost webhook rotate-secret).";
            return attempt;
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var timestamp = sentAt.ToUnixTimeSeconds();
        var id = delivery.Id.ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        // Standard Webhooks: the delivery's ID (the same on every retry) is webhook-id; one v1 signature per
        // signing secret, space-separated, so during a rotation's overlap a receiver holding either secret verifies.
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Id, id);
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Signature, SignatureHeader(signers.Select(s => s.Sign(id, sentAt, delivery.Payload)).ToList()));

        // Deprecated, kept for one release so receivers can move over: the home-made scheme, keyed with Signpost:Webhook:Secret.
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(settings.Secret!, timestamp, delivery.Payload));
        request.Headers.TryAddWithoutValidation(WebhookSignature.DeliveryHeader, delivery.Id.ToString());
        request.Headers.TryAddWithoutValidation(WebhookSignature.EventHeader, delivery.EventType);
        return await PostAsync(request, attempt, settings, timeout, cancellationToken);
    }

    /// <summary>OpenID Connect Back-Channel Logout 1.0 §2.5: <c>logout_token</c>, form-encoded, to the client's back-channel logout URI.</summary>
    private async Task<WebhookAttempt> SendLogoutAsync(WebhookDelivery delivery, WebhookOptions settings, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var attempt = new WebhookAttempt { DeliveryId = delivery.Id, At = time.GetUtcNow() };
        string token;
        try
        {
            token = logoutTokens.Create(delivery);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Text.Json.JsonException or Microsoft.IdentityModel.Tokens.SecurityTokenException)
        {
            attempt.Error = Cut($"The logout token could not be made: {ex.Message}");
            return attempt;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Target)
        {
            Content = new FormUrlEncodedContent([new("logout_token", token)]),
        };
        return await PostAsync(request, attempt, settings, timeout, cancellationToken);
    }

    private async Task<WebhookAttempt> PostAsync(HttpRequestMessage request, WebhookAttempt attempt, WebhookOptions settings, TimeSpan timeout, CancellationToken cancellationToken)
    {
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
    /// <summary>
    /// The signatures, space-separated. With more than one, the first is repeated at the end: the StandardWebhooks
    /// .NET verifier (1.1.2) never compares the last entry of a list, so without the repeat a receiver on that
    /// library holding the older secret would fail all through the overlap. A verifier that follows the
    /// specification accepts any entry and is not affected by the duplicate.
    /// </summary>
    internal static string SignatureHeader(IReadOnlyList<string> signatures) =>
        string.Join(' ', signatures.Count > 1 ? [.. signatures, signatures[0]] : signatures);

    private static string Cut(string value) => value.Length <= WebhookAttempt.MaxErrorLength ? value : value[..WebhookAttempt.MaxErrorLength];

    [LoggerMessage(EventId = 3211, EventName = "WebhookDispatcher.Retrying", Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} attempt {Attempt} failed: {Error}; next attempt at {NextAttemptAt:O}")]
    private static partial void LogRetrying(ILogger logger, Guid deliveryId, int attempt, string error, DateTimeOffset nextAttemptAt);

    [LoggerMessage(EventId = 3212, EventName = "WebhookDispatcher.GaveUp", Level = LogLevel.Error, Message = "Delivery {DeliveryId} ({EventType}, {Receiver}) given up after {Attempts} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, Guid deliveryId, string eventType, string receiver, int attempts, string error);
}
