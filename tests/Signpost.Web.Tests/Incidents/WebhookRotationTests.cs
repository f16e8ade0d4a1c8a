using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Incidents;

/// <summary>
/// The Standard Webhooks signature as a receiver checks it with the StandardWebhooks library, before, during and
/// after a rotation made with <c>signpost webhook rotate-secret</c>.
/// </summary>
public sealed class WebhookRotationTests
{
    private static readonly string ConfiguredSecret = WebhookSecretFormat.StandardForm(WebhookReceiver.Secret);

    private static async Task<WebhookReceiver.Received> DeliverOneAsync(IncidentApp app, TestBrowser support, WebhookReceiver receiver)
    {
        var before = receiver.Requests.Count;
        var response = await support.Http.PostAsJsonAsync("/api/v1/incidents", new { description = "The claims screen stays blank.", callbackNumber = "+1 555 010 0199" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await app.RunDeliveriesAsync();
        Assert.Equal(before + 1, receiver.Requests.Count);
        return receiver.Requests.Last();
    }

    [Fact]
    public async Task RotateSecret_BothSignDuringOverlap_OnlyTheNewAfter_AndTheRotationIsAudited()
    {
        // Arrange: the library checks timestamps against the real clock (five minutes either way), so the
        // host's hand-moved clock starts at the real time and the overlap is two minutes.
        await using var receiver = await WebhookReceiver.StartAsync(ReceiverMode.Verify);
        await using var app = new IncidentApp { WebhookUrl = receiver.Url };
        app.Clock.SetUtcNow(DateTimeOffset.UtcNow);
        var agent = await app.CreateAccountAsync(TestAccounts.Unique("agent"), null, platformRoles: PlatformRoles.SupportAgent);
        using var support = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await support.ApiSignInAsync(agent.Username, TestAccounts.Password)).StatusCode);

        // Before any rotation: the configured secret signs, in the Standard Webhooks headers and the deprecated ones.
        var first = await DeliverOneAsync(app, support, receiver);
        Assert.True(first.VerifiesWith(ConfiguredSecret));
        Assert.True(first.Verified);
        Assert.Equal(first.DeliveryId, first.Headers[WebhookHeaders.Id].ToString());
        Assert.Equal(first.Timestamp, first.Headers[WebhookHeaders.Timestamp].ToString());
        Assert.Single(first.Headers[WebhookHeaders.Signature].ToString().Split(' '));
        Assert.False(first.VerifiesWith(WebhookSecretFormat.Generate()));

        // Act: the operator rotates with a two-minute overlap; the new secret is printed once, on standard output.
        var run = await SignpostCommand.RunWithEnvironmentAsync(app.ConnectionString, app.Folder, null,
            new Dictionary<string, string?> { ["Signpost__Webhook__Url"] = receiver.Url, ["Signpost__Webhook__Secret"] = WebhookReceiver.Secret },
            "webhook", "rotate-secret", "--overlap", "2m");
        Assert.True(run.ExitCode == 0, run.ToString());
        var newSecret = run.Stdout.Trim();
        Assert.StartsWith(WebhookSecretFormat.Prefix, newSecret, StringComparison.Ordinal);
        Assert.Contains("also signs until", run.Stderr, StringComparison.Ordinal);

        // During the overlap: two signatures, and a receiver holding either secret verifies.
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        var during = await DeliverOneAsync(app, support, receiver);
        Assert.Equal(2, during.Headers[WebhookHeaders.Signature].ToString().Split(' ').Distinct().Count());
        Assert.True(during.VerifiesWith(newSecret));
        Assert.True(during.VerifiesWith(ConfiguredSecret));
        Assert.True(during.Verified, "the deprecated header still verifies with Signpost:Webhook:Secret");

        // After the overlap: only the new secret verifies.
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var after = await DeliverOneAsync(app, support, receiver);
        Assert.Single(after.Headers[WebhookHeaders.Signature].ToString().Split(' '));
        Assert.True(after.VerifiesWith(newSecret));
        Assert.False(after.VerifiesWith(ConfiguredSecret));

        // Audited, and neither secret is in the trail or in the database in the clear.
        var entry = Assert.Single(await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == "webhook.secret_rotated").ToListAsync()));
        Assert.Equal("cli", entry.Actor.Split(':')[0]);
        Assert.Contains("previousSigningUntil", entry.After, StringComparison.Ordinal);
        var stored = await app.WithDbAsync(db => db.WebhookSecrets.AsNoTracking().ToListAsync());
        Assert.Equal(2, stored.Count);
        foreach (var text in new[] { entry.Before!, entry.After! }.Concat(stored.Select(s => s.ProtectedSecret)))
        {
            Assert.DoesNotContain(newSecret[WebhookSecretFormat.Prefix.Length..], text, StringComparison.Ordinal);
            Assert.DoesNotContain(WebhookReceiver.Secret, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("soon", "--overlap 'soon' is not a duration")]
    [InlineData("31d", "The overlap must be between 0 and 30 days.")]
    public async Task RotateSecret_BadOverlap_OneLineExitOneAndNothingStored(string overlap, string message)
    {
        await using var app = new IncidentApp { WebhookUrl = "http://127.0.0.1:9/hook" };
        await app.CreateOrganizationAsync(TestAccounts.Unique("org"), "Start the host");

        var run = await SignpostCommand.RunWithEnvironmentAsync(app.ConnectionString, app.Folder, null,
            new Dictionary<string, string?> { ["Signpost__Webhook__Url"] = "http://127.0.0.1:9/hook", ["Signpost__Webhook__Secret"] = WebhookReceiver.Secret },
            "webhook", "rotate-secret", "--overlap", overlap);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.Empty(await app.WithDbAsync(db => db.WebhookSecrets.AsNoTracking().ToListAsync()));
    }
}
