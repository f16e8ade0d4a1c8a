using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Analytics;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Analytics;

/// <summary>The analytics figures as observable instruments on the "Signpost" meter, after a job run (docs/analytics.md, "Metrics").</summary>
public sealed class AnalyticsMetricsTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task Instruments_AfterAJobRun_ReportTheLast30DaysFromTheSignpostMeter()
    {
        // Arrange: two days ago, one person recovers by trying again and another never does.
        var slug = TestAccounts.Unique("metrics");
        var practice = await app.CreateOrganizationAsync(slug, "Metrics Clinic");
        var (ann, bob) = (await app.CreateAccountAsync(TestAccounts.Unique("ann"), slug), await app.CreateAccountAsync(TestAccounts.Unique("bob"), slug));
        var at = DateTimeOffset.UtcNow.AddDays(-2);
        SignInEvent Event(Guid person, int minute, string reason, bool succeeded) => new()
        {
            TraceId = Guid.NewGuid().ToString("N"), OccurredAt = at.AddMinutes(minute), AccountId = person, OrganizationId = practice.Id,
            Method = SignInMethod.Password, Succeeded = succeeded, ReasonCode = reason, ShownReasonCode = reason,
        };
        await app.WithDbAsync(async db =>
        {
            db.SignInEvents.AddRange(Event(ann.Id, 0, ReasonCodes.InvalidCredentials, false), Event(ann.Id, 2, ReasonCodes.SignedIn, true),
                Event(bob.Id, 0, ReasonCodes.MaintenanceWindow, false));
            return await db.SaveChangesAsync();
        });
        var measured = new List<(string Instrument, double Value, string Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == AnalyticsMetrics.MeterName && instrument.Name.StartsWith("signpost.analytics.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measured.Add((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => measured.Add((i.Name, v, Tags(tags))));
        listener.Start();

        // Act
        await app.WithServicesAsync(async services =>
        {
            await services.GetRequiredService<AnalyticsJob>().RunOnceAsync(CancellationToken.None);
            return true;
        });
        listener.RecordObservableInstruments();

        // Assert
        Assert.Contains(("signpost.analytics.self_service_recovery_rate", 0.5, ""), measured);
        Assert.Contains(("signpost.analytics.stories", 1, "signpost.story.ending=not_recovered"), measured);
        Assert.Contains(("signpost.analytics.stories", 1, "signpost.story.ending=recovered_alone,signpost.story.way=retry"), measured);
        Assert.Contains(("signpost.analytics.failures", 1, "signpost.reason_category=maintenance"), measured);
        Assert.Contains(("signpost.analytics.mean_time_to_recover", 120, "signpost.story.ending=recovered_alone"), measured);
    }

    private static string Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags)
        {
            parts.Add($"{tag.Key}={tag.Value}");
        }

        return string.Join(',', parts);
    }
}
