using Microsoft.EntityFrameworkCore;
using Signpost.Core.Escalation;
using Signpost.Core.Incidents;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>Incidents, firings and the webhook queue: the unique keys that deduplicate across nodes, and optimistic concurrency.</summary>
public sealed class IncidentStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private const string OpenKey = "sso_misconfiguration.organization/organization/0f8fad5bd9cb469fa16570867728950e";

    private static Incident NewIncident(string? openKey = OpenKey) => new()
    {
        Title = "SSO failing for several users of one organization",
        Status = IncidentStatus.Escalated,
        Targets = "PlatformOperators,PracticeAdmins",
        OpenKey = openKey,
        Description = "<script>alert(1)</script>",
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryAddFiringAsync_TenNodesAtOnce_OneFiringStored(string provider)
    {
        var host = await StartAsync(provider);

        var added = await ConcurrentlyAsync(10, _ => host.WithAsync<IIncidentStore, bool>(store => store.TryAddFiringAsync(new EscalationFiring
        {
            Key = "network.every_network_fails/account/1/1780000000000",
            RuleId = "network.every_network_fails",
            Subject = "account/1",
            WindowStart = Now,
            FiredAt = Now,
            Explanation = "x",
            Evidence = "[]",
        }, CancellationToken.None)));

        Assert.Single(added, a => a);
        Assert.Equal(1, await host.DbAsync(db => db.EscalationFirings.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryAddAsync_SameOpenKeyAtOnce_OneIncident_ResolvedOnesDoNotBlock(string provider)
    {
        var host = await StartAsync(provider);

        var added = await ConcurrentlyAsync(8, _ => host.WithAsync<IIncidentStore, bool>(store => store.TryAddAsync(NewIncident(), null, CancellationToken.None)));
        Assert.Single(added, a => a);
        var open = (await host.WithAsync<IIncidentStore, Incident?>(store => store.FindOpenAsync(OpenKey, CancellationToken.None)))!;
        Assert.Equal("<script>alert(1)</script>", open.Description);

        open.Status = IncidentStatus.Resolved;
        open.OpenKey = null;
        Assert.True(await host.WithAsync<IIncidentStore, bool>(store => store.TryUpdateAsync(open, 0, null, CancellationToken.None)));

        Assert.True(await host.WithAsync<IIncidentStore, bool>(store => store.TryAddAsync(NewIncident(), null, CancellationToken.None)));
        Assert.True(await host.WithAsync<IIncidentStore, bool>(store => store.TryAddAsync(NewIncident(openKey: null), null, CancellationToken.None)));
        Assert.True(await host.WithAsync<IIncidentStore, bool>(store => store.TryAddAsync(NewIncident(openKey: null), null, CancellationToken.None)));
        Assert.Equal(4, await host.DbAsync(db => db.Incidents.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryUpdateAsync_TwoWritersOfOneVersion_OneWins_NoteKept(string provider)
    {
        var host = await StartAsync(provider);
        var incident = NewIncident(null);
        await host.WithAsync<IIncidentStore, bool>(store => store.TryAddAsync(incident, null, CancellationToken.None));

        var results = await ConcurrentlyAsync(5, i => host.WithAsync<IIncidentStore, bool>(store =>
        {
            var change = NewIncident(null);
            change.Id = incident.Id;
            change.AssignedTo = $"agent{i}";
            return store.TryUpdateAsync(change, 0, new IncidentNote { IncidentId = incident.Id, At = Now, Author = $"agent{i}", Text = "took it" }, CancellationToken.None);
        }));

        Assert.Single(results, r => r);
        var stored = await host.DbAsync(db => db.Incidents.AsNoTracking().SingleAsync());
        Assert.Equal(1, stored.Version);
        Assert.Equal(stored.AssignedTo, (await host.DbAsync(db => db.IncidentNotes.AsNoTracking().SingleAsync())).Author);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryAttachAsync_SameTraceTwice_AttachedOnceAndCounted(string provider)
    {
        var host = await StartAsync(provider);
        var incident = NewIncident();
        await host.WithAsync<IIncidentStore, bool>(store => store.TryAddAsync(incident, null, CancellationToken.None));

        var attached = await ConcurrentlyAsync(4, _ => host.WithAsync<IIncidentStore, bool>(store => store.TryAttachAsync(
            new IncidentAttachment { IncidentId = incident.Id, TraceId = "4bf92f3577b34da6a3ce929d0e0e4736", ReasonCode = "sso_signature_invalid", At = Now }, CancellationToken.None)));

        Assert.Single(attached, a => a);
        Assert.Equal(1, (await host.DbAsync(db => db.Incidents.AsNoTracking().SingleAsync())).AttachedCount);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Webhooks_DueClaimedOnce_AttemptLogged(string provider)
    {
        var host = await StartAsync(provider);
        var incident = NewIncident(null);
        await host.WithAsync<IIncidentStore, bool>(store => store.TryAddAsync(incident, null, CancellationToken.None));
        var delivery = new WebhookDelivery { IncidentId = incident.Id, EventType = "incident.created", Payload = "{}", CreatedAt = Now, NextAttemptAt = Now };
        await host.WithAsync<IWebhookDeliveryStore>(store => store.EnqueueAsync(delivery, CancellationToken.None));

        var due = await host.WithAsync<IWebhookDeliveryStore, IReadOnlyList<WebhookDelivery>>(store => store.ListDueAsync(Now, 10, includeWebhooks: true, CancellationToken.None));
        var claims = await ConcurrentlyAsync(5, _ => host.WithAsync<IWebhookDeliveryStore, bool>(store => store.TryClaimAsync(delivery.Id, due[0].NextAttemptAt, Now.AddMinutes(1), CancellationToken.None)));
        delivery.Attempts = 1;
        delivery.NextAttemptAt = Now.AddSeconds(30);
        delivery.LastStatusCode = 500;
        await host.WithAsync<IWebhookDeliveryStore>(store => store.RecordAttemptAsync(delivery, new WebhookAttempt { DeliveryId = delivery.Id, Number = 1, At = Now, StatusCode = 500, DurationMs = 12 }, CancellationToken.None));

        Assert.Single(claims, c => c);
        Assert.Empty(await host.WithAsync<IWebhookDeliveryStore, IReadOnlyList<WebhookDelivery>>(store => store.ListDueAsync(Now.AddSeconds(29), 10, includeWebhooks: true, CancellationToken.None)));
        Assert.Single(await host.WithAsync<IWebhookDeliveryStore, IReadOnlyList<WebhookDelivery>>(store => store.ListDueAsync(Now.AddSeconds(30), 10, includeWebhooks: true, CancellationToken.None)));
        var log = await host.WithAsync<IWebhookDeliveryStore, IReadOnlyList<WebhookAttempt>>(store => store.ListAttemptsAsync([delivery.Id], CancellationToken.None));
        Assert.Equal(500, Assert.Single(log).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task HighWaterMark_StartsUnset_OnlyRises(string provider)
    {
        var host = await StartAsync(provider);

        Assert.Null(await host.WithAsync<IEscalationReader, long?>(r => r.GetHighWaterMarkAsync(CancellationToken.None)));
        await host.WithAsync<IEscalationReader>(r => r.RaiseHighWaterMarkAsync(0, CancellationToken.None));
        await host.WithAsync<IEscalationReader>(r => r.RaiseHighWaterMarkAsync(42, CancellationToken.None));
        await host.WithAsync<IEscalationReader>(r => r.RaiseHighWaterMarkAsync(7, CancellationToken.None));

        Assert.Equal(42, await host.WithAsync<IEscalationReader, long?>(r => r.GetHighWaterMarkAsync(CancellationToken.None)));
    }
}
