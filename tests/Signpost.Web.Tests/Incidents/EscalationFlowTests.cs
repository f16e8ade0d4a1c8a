using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Escalation.Rules;
using Signpost.Core.Events;
using Signpost.Core.Incidents;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Web.Incidents;
using Signpost.Web.Tests.Email;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Incidents;

/// <summary>Real sign-ins through the API → the rules fire in the background → a stored firing with evidence, an incident, an email.</summary>
public sealed class EscalationFlowTests : IAsyncLifetime
{
    private const string Support = "support@payer.test";
    private SmtpSink _smtp = null!;
    private IncidentApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _app = new IncidentApp { SmtpPort = _smtp.Port, SupportEmail = Support };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private static string Chrome(int major) => $"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{major}.0.0.0 Safari/537.36";

    [Fact]
    public async Task BrowserStillRefusedAfterUpdate_RaisesIncidentWithEvidence_AndEmailsSupport()
    {
        // Arrange: a practice that blocks browsers outside the matrix (Chrome 155+).
        var slug = TestAccounts.Unique("maple");
        await _app.CreateOrganizationAsync(slug, "Maple Family Practice", policy => policy.BrowserPolicy = BrowserPolicy.Block);
        var rosa = await _app.CreateMemberAsync(slug, TestAccounts.Unique("rosa"), PracticeRoles.Staff);

        // Act: refused in Chrome 100, "updates" to Chrome 101, refused again.
        var traces = new List<string>();
        foreach (var major in new[] { 100, 101 })
        {
            using var browser = _app.CreateBrowser(userAgent: Chrome(major));
            var response = await browser.ApiSignInAsync(rosa.Username, TestAccounts.Password);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            var traceId = (await TestBrowser.JsonAsync(response)).GetProperty("traceId").GetString()!;
            Assert.Equal(ReasonCodes.BrowserUnsupported, (await _app.EventAsync(traceId)).ReasonCode);
            traces.Add(traceId);
            _app.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        var incident = await _app.WaitForIncidentAsync(i => i.RuleId == BrowserUpdateRule.Id);
        await _app.RunDeliveriesAsync();

        // Assert: the firing with its evidence, the incident with its data points, one email to support.
        var firing = Assert.Single(await _app.FiringsAsync());
        Assert.Equal(BrowserUpdateRule.Id, firing.RuleId);
        Assert.Equal(incident.Id, firing.IncidentId);
        Assert.Equal(traces[1], firing.TriggerTraceId);
        Assert.Contains(traces[0], firing.Evidence, StringComparison.Ordinal);
        Assert.Contains("\"browserVersion\":\"100.0.0.0\"", firing.Evidence, StringComparison.Ordinal);
        Assert.Equal(IncidentStatus.Escalated, incident.Status);
        Assert.Equal(rosa.Id, incident.AccountId);
        Assert.Equal(traces, incident.TraceIdList);
        Assert.Contains($"\"providerId\":\"{rosa.Username}\"", incident.DataPoints, StringComparison.Ordinal);
        Assert.Contains("\"practiceName\":\"Maple Family Practice\"", incident.DataPoints, StringComparison.Ordinal);
        Assert.Contains("updated the browser", incident.DataPoints, StringComparison.Ordinal);

        var mail = Assert.Single(await _smtp.WaitForAsync(1));
        Assert.Equal([Support], mail.To);
        Assert.Equal("Incident: Browser failure persists after a browser update", mail.Subject);
        Assert.Contains(incident.Id.ToString(), mail.Text, StringComparison.Ordinal);
        Assert.Contains(traces[1], mail.Text, StringComparison.Ordinal);
        Assert.NotNull((await _app.IncidentsAsync()).Single().NotifiedAt);

        // A second run sends nothing more.
        await _app.RunDeliveriesAsync();
        Assert.Single(_smtp.Received());
    }

    [Fact]
    public async Task FailingFromEveryNetwork_RaisesIncidentForSupport()
    {
        var slug = TestAccounts.Unique("cedar");
        await _app.CreateOrganizationAsync(slug, "Cedar Clinic", policy => policy.RestrictToAllowedNetworks = true);
        await _app.WithDbAsync(async db =>
        {
            var organization = db.Organizations.Single(o => o.Slug == slug);
            organization.NetworkRanges = [new NetworkRange { Cidr = "10.20.0.0/16", Label = "LAN" }];
            return await db.SaveChangesAsync();
        });
        var omar = await _app.CreateMemberAsync(slug, TestAccounts.Unique("omar"), PracticeRoles.Staff);

        foreach (var ip in new[] { "198.51.100.7", "192.0.2.40" })
        {
            using var browser = _app.CreateBrowser();
            browser.Http.DefaultRequestHeaders.Add(ClientAddressFilter.Header, ip);
            var response = await browser.ApiSignInAsync(omar.Username, TestAccounts.Password);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        }

        var incident = await _app.WaitForIncidentAsync(i => i.RuleId == EveryNetworkFailsRule.Id);
        Assert.Equal(omar.Id, incident.AccountId);
        Assert.Contains("range:198.51.100.0/24", (await _app.FiringsAsync()).Single().Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SsoErrorsOfSeveralUsers_EvaluatedConcurrently_MakeOneOrganizationIncident()
    {
        // SSO sign-in is not built yet: its events are written as the recorder will write them, then
        // evaluated by two workers at once, as two nodes would.
        var slug = TestAccounts.Unique("birch");
        var organization = await _app.CreateOrganizationAsync(slug, "Birch Health");
        var admin = await _app.CreateMemberAsync(slug, TestAccounts.Unique("ada"), PracticeRoles.PracticeAdmin);
        var events = new List<SignInEvent>();
        for (var i = 0; i < 5; i++)
        {
            var e = new SignInEvent
            {
                TraceId = Guid.NewGuid().ToString("N"),
                OccurredAt = _app.Now.AddMinutes(i),
                Identifier = $"user{i}@birch.example",
                OrganizationId = organization.Id,
                Method = SignInMethod.Password,
                ReasonCode = ReasonCodes.SsoSignatureInvalid,
                ShownReasonCode = ReasonCodes.SsoSignatureInvalid,
                SsoConnectionId = "birch-entra",
            };
            await _app.WithServicesAsync(async s => { await s.GetRequiredService<ISignInEventStore>().AppendAsync(e, CancellationToken.None); return 0; });
            events.Add(e);
        }

        var worker = _app.Services.GetRequiredService<EscalationWorker>();
        for (var i = 0; i < 5; i++)
        {
            await Task.WhenAll(worker.EvaluateAsync(events[i], CancellationToken.None), worker.EvaluateAsync(events[i], CancellationToken.None));
        }

        await _app.RunDeliveriesAsync();

        var incident = Assert.Single(await _app.IncidentsAsync());
        Assert.Equal(SsoMisconfigurationRule.Id, incident.RuleId);
        Assert.Equal(organization.Id, incident.OrganizationId);
        Assert.Equal(2, incident.AttachedCount);
        Assert.Single(await _app.FiringsAsync());
        Assert.Contains("\"ssoInvolved\":true", incident.DataPoints, StringComparison.Ordinal);
        var mails = await _smtp.WaitForAsync(2);
        Assert.Contains(mails, m => m.To.SequenceEqual(["operators@payer.test"]));
        Assert.Contains(mails, m => m.To.SequenceEqual([admin.Email]));
    }
}
