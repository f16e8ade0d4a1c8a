using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Signpost.Core.Accounts;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Incidents;

/// <summary>The signed webhook to a real local endpoint: verified, failing with 500, hanging.</summary>
public sealed class WebhookTests
{
    private static async Task<TestBrowser> SupportAsync(IncidentApp app, PlatformRoles role = PlatformRoles.SupportAgent)
    {
        var agent = await app.CreateAccountAsync(TestAccounts.Unique("agent"), null, platformRoles: role);
        var browser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiSignInAsync(agent.Username, TestAccounts.Password)).StatusCode);
        return browser;
    }

    private static async Task<Guid> CreateIncidentAsync(TestBrowser support, string description = "Cannot reach the claims screen after signing in.")
    {
        var response = await support.Http.PostAsJsonAsync("/api/v1/incidents", new { description, callbackNumber = "+1 555 010 0199" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await TestBrowser.JsonAsync(response)).GetProperty("incident").GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task Delivery_ToVerifyingEndpoint_IsSignedDeliveredAndLogged()
    {
        await using var receiver = await WebhookReceiver.StartAsync(ReceiverMode.Verify);
        await using var app = new IncidentApp { WebhookUrl = receiver.Url };
        using var support = await SupportAsync(app);
        var incidentId = await CreateIncidentAsync(support);

        await app.RunDeliveriesAsync();

        var received = Assert.Single(receiver.Requests);
        Assert.True(received.Verified);
        Assert.Equal("incident.created", received.EventType);
        Assert.Equal(app.Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), received.Timestamp);
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal("incident.created", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(incidentId, body.RootElement.GetProperty("incident").GetProperty("id").GetGuid());
        Assert.Equal(received.DeliveryId, body.RootElement.GetProperty("id").GetString());
        Assert.DoesNotContain(WebhookReceiver.Secret, received.Body, StringComparison.Ordinal);

        var delivery = Assert.Single(await app.WebhookDeliveriesAsync());
        Assert.Equal(WebhookDeliveryStatus.Delivered, delivery.Status);
        Assert.Equal(Guid.Parse(received.DeliveryId!), delivery.Id);
        Assert.Equal(204, Assert.Single(await app.WebhookAttemptsAsync()).StatusCode);

        // The log, for platform admins only.
        using var admin = await SupportAsync(app, PlatformRoles.PlatformAdmin);
        var log = await TestBrowser.JsonAsync(await admin.GetAsync("/api/v1/webhook-deliveries"));
        Assert.Equal("delivered", log[0].GetProperty("status").GetString());
        Assert.Equal(204, log[0].GetProperty("attemptLog")[0].GetProperty("statusCode").GetInt32());
        // Platform-admin-only operations answer others like a missing address, and the refusal is audited.
        Assert.Equal(HttpStatusCode.NotFound, (await support.GetAsync("/api/v1/webhook-deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/webhook-deliveries?status=7")).StatusCode);
    }

    [Fact]
    public async Task Delivery_EndpointAnswers500_RetriesWithBackoff_ThenFails_EachAttemptLogged()
    {
        await using var receiver = await WebhookReceiver.StartAsync(ReceiverMode.Fail);
        await using var app = new IncidentApp { WebhookUrl = receiver.Url };
        using var support = await SupportAsync(app);
        await CreateIncidentAsync(support);

        await app.RunDeliveriesAsync();
        var first = Assert.Single(await app.WebhookDeliveriesAsync());
        Assert.Equal(WebhookDeliveryStatus.Pending, first.Status);
        Assert.Equal(app.Now.AddSeconds(30), first.NextAttemptAt);

        // Not due yet: nothing is sent.
        app.Clock.Advance(TimeSpan.FromSeconds(29));
        await app.RunDeliveriesAsync();
        Assert.Single(receiver.Requests);

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await app.RunDeliveriesAsync();
        var second = Assert.Single(await app.WebhookDeliveriesAsync());
        Assert.Equal(app.Now.AddSeconds(60), second.NextAttemptAt);

        app.Clock.Advance(TimeSpan.FromSeconds(60));
        await app.RunDeliveriesAsync();

        var failed = Assert.Single(await app.WebhookDeliveriesAsync());
        Assert.Equal(WebhookDeliveryStatus.Failed, failed.Status);
        Assert.Equal(3, failed.Attempts);
        Assert.Equal(500, failed.LastStatusCode);
        var attempts = await app.WebhookAttemptsAsync();
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Number));
        Assert.All(attempts, a => Assert.Equal(500, a.StatusCode));
        Assert.All(attempts, a => Assert.Contains("500", a.Error, StringComparison.Ordinal));
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task Delivery_EndpointHangs_TimesOut_AndSignInsStayFast()
    {
        await using var receiver = await WebhookReceiver.StartAsync(ReceiverMode.Hang);
        await using var app = new IncidentApp { WebhookUrl = receiver.Url, WebhookTimeoutSeconds = 6 };
        using var support = await SupportAsync(app);
        var user = await app.CreateAccountAsync(TestAccounts.Unique("hana"), null);
        using var browser = app.CreateBrowser();
        var baseline = Stopwatch.StartNew();
        await browser.ApiSignInAsync(user.Username, TestAccounts.WrongPassword);
        baseline.Stop();
        await CreateIncidentAsync(support);

        // Act: the delivery job is stuck on the hanging endpoint while people sign in.
        var job = Task.Run(app.RunDeliveriesAsync);
        while (receiver.Requests.IsEmpty)
        {
            await Task.Delay(20);
        }

        var times = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            var response = await browser.ApiSignInAsync(user.Username, TestAccounts.WrongPassword);
            times.Add(watch.Elapsed);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.False(job.IsCompleted, "The sign-ins should have finished while the webhook still hung.");
        await job;

        // Assert: sign-ins as fast as before; the attempt is logged as a timeout and retried later.
        Assert.All(times, t => Assert.True(t < baseline.Elapsed + TimeSpan.FromSeconds(2), $"A sign-in took {t} (baseline {baseline.Elapsed})."));
        var attempt = Assert.Single(await app.WebhookAttemptsAsync());
        Assert.Null(attempt.StatusCode);
        Assert.Contains("timeout", attempt.Error, StringComparison.Ordinal);
        Assert.InRange(attempt.DurationMs, 5500, 30_000);
        Assert.Equal(WebhookDeliveryStatus.Pending, Assert.Single(await app.WebhookDeliveriesAsync()).Status);
    }
}
