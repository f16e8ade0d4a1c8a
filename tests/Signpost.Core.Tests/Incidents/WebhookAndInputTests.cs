using Signpost.Core.Audit;
using Signpost.Core.Incidents;
using Signpost.Core.Incidents.Webhooks;

namespace Signpost.Core.Tests.Incidents;

/// <summary>The webhook's backoff and signature, and what people type into an incident.</summary>
public sealed class WebhookAndInputTests
{
    private static readonly AuditActor Agent = new("agent", null, null, null);

    [Fact]
    public void Backoff_DoublesFromThirtySeconds_UpToTheCap()
    {
        var options = new WebhookOptions { BaseDelaySeconds = 30, MaxDelaySeconds = 3600 };

        var delays = Enumerable.Range(1, 9).Select(n => WebhookBackoff.DelayAfter(n, options).TotalSeconds).ToList();

        Assert.Equal([30, 60, 120, 240, 480, 960, 1920, 3600, 3600], delays);
    }

    [Fact]
    public void Signature_RoundTrips_AndRefusesChangedBodyOrStaleTimestamp()
    {
        var secret = new string('k', 40);
        var now = DateTimeOffset.FromUnixTimeSeconds(1_780_000_000);
        var body = """{"type":"incident.created"}""";
        var signature = WebhookSignature.Sign(secret, now.ToUnixTimeSeconds(), body);

        Assert.StartsWith("v1=", signature, StringComparison.Ordinal);
        Assert.Equal(67, signature.Length);
        Assert.True(WebhookSignature.Verify(secret, "1780000000", signature, body, now.AddMinutes(4), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(secret, "1780000000", signature, body + " ", now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(secret, "1780000000", signature, body, now.AddMinutes(6), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("another-secret-another-secret-xx", "1780000000", signature, body, now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task AskForHelp_MarkupInDescription_IsStoredAsTypedText()
    {
        var h = new EscalationHarness();
        const string Hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> can't sign in";

        var result = await h.Incidents.AskForHelpAsync(new HelpRequest { Description = Hostile, CallbackNumber = "+1 (555) 010-0199 ext. 12" }, Agent, CancellationToken.None);

        Assert.Equal(IncidentWriteStatus.Done, result.Status);
        var stored = Assert.Single(h.Store.Incidents);
        Assert.Equal(Hostile, stored.Description);
        Assert.Equal(IncidentStatus.Open, stored.Status);
        Assert.Contains("\\u003Cscript\\u003E", Assert.Single(h.Store.Deliveries).Payload, StringComparison.Ordinal);
        Assert.Equal("incident.create", Assert.Single(h.Store.Audit).Action);
    }

    [Theory]
    [InlineData("", null, null, "Describe")]
    [InlineData("help", "call me maybe", null, "call-back")]
    [InlineData("help", "12345", null, "call-back")]
    [InlineData("help", null, "GIF89a", "PNG or JPEG")]
    public async Task AskForHelp_BadInput_IsRefusedWithAReason(string description, string? callback, string? screenshot, string expected)
    {
        var h = new EscalationHarness();

        var result = await h.Incidents.AskForHelpAsync(new HelpRequest
        {
            Description = description,
            CallbackNumber = callback,
            Screenshot = screenshot is null ? null : System.Text.Encoding.ASCII.GetBytes(screenshot),
        }, Agent, CancellationToken.None);

        Assert.Equal(IncidentWriteStatus.Invalid, result.Status);
        Assert.Contains(result.Problems, p => p.Contains(expected, StringComparison.Ordinal));
        Assert.Empty(h.Store.Incidents);
    }

    [Fact]
    public async Task AskForHelp_PngOverTwoMegabytes_IsRefused_JpegUnder_IsKept()
    {
        var h = new EscalationHarness();
        var png = new byte[IncidentScreenshot.MaxBytes + 1];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);
        var jpeg = new byte[1024];
        new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }.CopyTo(jpeg, 0);

        var tooBig = await h.Incidents.AskForHelpAsync(new HelpRequest { Description = "x", Screenshot = png }, Agent, CancellationToken.None);
        var fine = await h.Incidents.AskForHelpAsync(new HelpRequest { Description = "x", Screenshot = jpeg }, Agent, CancellationToken.None);

        Assert.Equal(IncidentWriteStatus.Invalid, tooBig.Status);
        Assert.Equal(IncidentWriteStatus.Done, fine.Status);
        Assert.True(fine.Incident!.HasScreenshot);
    }

    [Fact]
    public async Task Update_WithAStaleVersion_IsAConflict_AndChangesNothing()
    {
        var h = new EscalationHarness();
        var created = (await h.Incidents.AskForHelpAsync(new HelpRequest { Description = "x" }, Agent, CancellationToken.None)).Incident!;
        await h.Incidents.UpdateAsync(created.Id, 0, new IncidentChange { AssignedTo = "ana" }, Agent, CancellationToken.None);

        var stale = await h.Incidents.UpdateAsync(created.Id, 0, new IncidentChange { Status = IncidentStatus.Resolved, Note = "done" }, Agent, CancellationToken.None);

        Assert.Equal(IncidentWriteStatus.Conflict, stale.Status);
        var stored = Assert.Single(h.Store.Incidents);
        Assert.Equal(IncidentStatus.Open, stored.Status);
        Assert.Equal("ana", stored.AssignedTo);
        Assert.Equal(1, stored.Version);
        Assert.Empty(h.Store.Notes);
    }
}
