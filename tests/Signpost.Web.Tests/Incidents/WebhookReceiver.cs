using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Signpost.Core.Incidents.Webhooks;

namespace Signpost.Web.Tests.Incidents;

/// <summary>How the test endpoint answers.</summary>
public enum ReceiverMode
{
    /// <summary>Verifies the signature like a real receiver: 204 when it holds, 401 when not.</summary>
    Verify,

    /// <summary>Always 500.</summary>
    Fail,

    /// <summary>Never answers (until the test ends).</summary>
    Hang,
}

/// <summary>A ticketing system stand-in: a real Kestrel endpoint on 127.0.0.1 that records what it got.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const string Secret = "test-webhook-secret-of-at-least-32-characters";

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>What arrived; <see cref="Headers"/> are all of them, for a Standard Webhooks verifier.</summary>
    public sealed record Received(string Body, string? Timestamp, string? Signature, string? DeliveryId, string? EventType, bool Verified, IHeaderDictionary Headers)
    {
        /// <summary>
        /// Whether the StandardWebhooks library, as a receiver holding <paramref name="secret"/> runs it, accepts the
        /// request (its own five-minute timestamp tolerance against the real clock included).
        /// </summary>
        public bool VerifiesWith(string secret)
        {
            try
            {
                new StandardWebhooks.StandardWebhook(secret).Verify(Body, Headers);
                return true;
            }
            catch (StandardWebhooks.Diagnostics.WebhookVerificationException)
            {
                return false;
            }
        }
    }

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<Received> Requests { get; } = new();

    public ReceiverMode Mode { get; set; }

    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync(ReceiverMode mode)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app) { Mode = mode };
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var timestamp = context.Request.Headers[WebhookSignature.TimestampHeader].ToString();
            var signature = context.Request.Headers[WebhookSignature.SignatureHeader].ToString();
            var verified = WebhookSignature.Verify(Secret, timestamp, signature, body, DateTimeOffset.UtcNow, TimeSpan.FromDays(3650));
            receiver.Requests.Enqueue(new Received(body, timestamp, signature, context.Request.Headers[WebhookSignature.DeliveryHeader], context.Request.Headers[WebhookSignature.EventHeader], verified,
                new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase))));
            switch (receiver.Mode)
            {
                case ReceiverMode.Hang:
                    await Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, receiver._stopping.Token).Token).ContinueWith(_ => { }, TaskScheduler.Default);
                    return Results.StatusCode(503);
                case ReceiverMode.Fail:
                    return Results.StatusCode(500);
                default:
                    return verified ? Results.NoContent() : Results.Unauthorized();
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
