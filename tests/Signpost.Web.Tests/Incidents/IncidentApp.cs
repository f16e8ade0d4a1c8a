using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Escalation;
using Signpost.Core.Incidents;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Web.Incidents;
using Signpost.Web.Tests.Email;

namespace Signpost.Web.Tests.Incidents;

/// <summary>
/// The Signpost host on the hand-moved clock with real SMTP, a client address each request may name, and
/// optionally the ticketing webhook. The delivery job's timer is slowed to an hour: tests run it by hand.
/// </summary>
public sealed class IncidentApp : EmailApp
{
    public string? WebhookUrl { get; init; }

    public int WebhookTimeoutSeconds { get; init; } = 2;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Settings["Signpost:Incidents:DeliveryIntervalSeconds"] = "3600";
        Settings["Signpost:Incidents:SweepIntervalSeconds"] = "3600";
        Settings["Signpost:Incidents:OperatorsEmail"] = "operators@payer.test";
        if (WebhookUrl is not null)
        {
            Settings["Signpost:Webhook:Url"] = WebhookUrl;
            Settings["Signpost:Webhook:Secret"] = WebhookReceiver.Secret;
            Settings["Signpost:Webhook:TimeoutSeconds"] = WebhookTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Settings["Signpost:Webhook:MaxAttempts"] = "3";
        }

        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, Infrastructure.ClientAddressFilter>());
    }

    /// <summary>One run of the delivery job (emails, then webhooks), as its timer runs it.</summary>
    public Task RunDeliveriesAsync() => Services.GetRequiredService<IncidentDeliveryJob>().RunOnceAsync(CancellationToken.None);

    /// <summary>Waits (real time) until the background evaluation has stored an incident matching <paramref name="match"/>.</summary>
    public async Task<Incident> WaitForIncidentAsync(Func<Incident, bool> match, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var found = (await WithDbAsync(db => db.Incidents.AsNoTracking().ToListAsync())).FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            if (watch.Elapsed > (timeout ?? TimeSpan.FromSeconds(15)))
            {
                throw new TimeoutException("No matching incident was raised.");
            }

            await Task.Delay(50);
        }
    }

    public Task<List<Incident>> IncidentsAsync() => WithDbAsync(db => db.Incidents.AsNoTracking().ToListAsync());

    public Task<List<EscalationFiring>> FiringsAsync() => WithDbAsync(db => db.EscalationFirings.AsNoTracking().OrderBy(f => f.Id).ToListAsync());

    public Task<List<WebhookDelivery>> WebhookDeliveriesAsync() => WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().ToListAsync());

    public Task<List<WebhookAttempt>> WebhookAttemptsAsync() => WithDbAsync(db => db.WebhookAttempts.AsNoTracking().OrderBy(a => a.Id).ToListAsync());
}
