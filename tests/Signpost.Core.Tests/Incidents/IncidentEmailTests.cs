using Signpost.Core.Email;
using Signpost.Core.Incidents;

namespace Signpost.Core.Tests.Incidents;

/// <summary>What an incident email carries for whom (docs/security.md): support gets the data points, a practice's administrators do not.</summary>
public sealed class IncidentEmailTests
{
    private static readonly Incident Sample = new()
    {
        Title = "Locked out",
        Targets = "PayerSupport,PracticeAdmins",
        TraceIds = "4bf92f3577b34da6a3ce929d0e0e4736",
        DataPoints = """{"networkPath":"VPN (198.51.100.7)","practiceName":"Lakeside Hidden Clinic"}""",
    };

    [Fact]
    public void Compose_ForSupport_CarriesTheDataPoints()
    {
        var message = IncidentNotifications.Compose(Sample, [new EmailAddress("help@payer.example")], "payer support", "https://signpost.test");

        Assert.Contains("198.51.100.7", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_ForPracticeAdmins_LeavesDataPointsToTheProjectedApi()
    {
        var message = IncidentNotifications.Compose(Sample, [new EmailAddress("admin@clinic.example")], "the administrators of Harbor", "https://signpost.test", withDataPoints: false);

        Assert.DoesNotContain("198.51.100.7", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Lakeside Hidden Clinic", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("4bf92f3577b34da6a3ce929d0e0e4736", message.TextBody, StringComparison.Ordinal);
    }
}
