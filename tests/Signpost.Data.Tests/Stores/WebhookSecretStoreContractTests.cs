using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// The webhook's signing secrets (docs/incidents.md, "Rotating the secret"): a rotation retires the current
/// secret — the configured one the first time — drops those whose overlap ended, and stores the new one,
/// together with its audit entry or not at all.
/// </summary>
public sealed class WebhookSecretStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private static WebhookSecret Secret(string name, DateTimeOffset createdAt, DateTimeOffset? retiresAt = null, string source = "rotation") =>
        new() { ProtectedSecret = $"protected-{name}", CreatedAt = createdAt, RetiresAt = retiresAt, Source = source };

    private static Task<WebhookSecret?> RotateAsync(
        StoreHost host, WebhookSecret created, WebhookSecret? configured, DateTimeOffset retiresAt, Func<IServiceProvider, WebhookSecret, CancellationToken, Task> audit) =>
        host.WithAsync<IServiceProvider, WebhookSecret?>(services => services.GetRequiredService<IWebhookSecretStore>()
            .RotateAsync(created, configured, retiresAt, Now, (retiring, ct) => audit(services, retiring, ct), CancellationToken.None));

    private static Task<IReadOnlyList<WebhookSecret>> ListAsync(StoreHost host) =>
        host.WithAsync<IWebhookSecretStore, IReadOnlyList<WebhookSecret>>(store => store.ListAsync(CancellationToken.None));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RotateAsync_FirstRotation_StoresTheConfiguredSecretAsRetiring_BesideTheNewOne(string provider)
    {
        var host = await StartAsync(provider);
        var configured = Secret("configured", Now.AddMilliseconds(-1), source: "configuration");
        var created = Secret("new", Now);
        WebhookSecret? audited = null;

        var retiring = await RotateAsync(host, created, configured, Now.AddDays(7), (services, secret, ct) =>
        {
            audited = secret;
            return AuditedWrites.RecordAsync(services, "webhook.secret_rotated", created.Id.ToString(), ct);
        });

        var stored = await ListAsync(host);
        Assert.Equal(configured.Id, retiring!.Id);
        Assert.Equal(configured.Id, audited!.Id);
        Assert.Equal([(created.Id, "protected-new", (DateTimeOffset?)null, "rotation"), (configured.Id, "protected-configured", Now.AddDays(7), "configuration")],
            stored.Select(s => (s.Id, s.ProtectedSecret, s.RetiresAt, s.Source)));
        Assert.Equal(["webhook.secret_rotated"], await AuditedWrites.ActionsAsync(host));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RotateAsync_NothingStoredAndNothingConfigured_ChangesNothing(string provider)
    {
        var host = await StartAsync(provider);

        var retiring = await RotateAsync(host, Secret("new", Now), null, Now.AddDays(7), (_, _, _) => throw new AuditedWrites.Refused());

        Assert.Null(retiring);
        Assert.Empty(await ListAsync(host));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RotateAsync_AgainLater_RetiresTheStoredCurrent_DropsEndedOverlaps_IgnoresTheConfigured(string provider)
    {
        // Arrange: one secret whose overlap ended, one still in its overlap, and the current one.
        var host = await StartAsync(provider);
        var ended = Secret("ended", Now.AddDays(-30), retiresAt: Now.AddDays(-1));
        var overlapping = Secret("overlapping", Now.AddDays(-10), retiresAt: Now.AddDays(1));
        var current = Secret("current", Now.AddDays(-5));
        await host.DbAsync(async db =>
        {
            db.WebhookSecrets.AddRange(ended, overlapping, current);
            await db.SaveChangesAsync();
        });
        var created = Secret("new", Now);

        // Act
        var retiring = await RotateAsync(host, created, Secret("configured", Now, source: "configuration"), Now.AddDays(2),
            (services, _, ct) => AuditedWrites.RecordAsync(services, "webhook.secret_rotated", created.Id.ToString(), ct));

        // Assert: newest first; the ended one is gone, the current one retires at the new overlap's end.
        Assert.Equal(current.Id, retiring!.Id);
        Assert.Equal([(created.Id, (DateTimeOffset?)null), (current.Id, Now.AddDays(2)), (overlapping.Id, Now.AddDays(1))],
            (await ListAsync(host)).Select(s => (s.Id, s.RetiresAt)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RotateAsync_AuditFails_KeepsTheSecretsAsTheyWere(string provider)
    {
        var host = await StartAsync(provider);
        var ended = Secret("ended", Now.AddDays(-30), retiresAt: Now.AddDays(-1));
        var current = Secret("current", Now.AddDays(-5));
        await host.DbAsync(async db =>
        {
            db.WebhookSecrets.AddRange(ended, current);
            await db.SaveChangesAsync();
        });

        await Assert.ThrowsAsync<AuditedWrites.Refused>(() => RotateAsync(host, Secret("new", Now), null, Now.AddDays(2), async (services, _, ct) =>
        {
            await AuditedWrites.RecordAsync(services, "webhook.secret_rotated", "new", ct);
            throw new AuditedWrites.Refused();
        }));

        Assert.Equal([(current.Id, (DateTimeOffset?)null), (ended.Id, Now.AddDays(-1))], (await ListAsync(host)).Select(s => (s.Id, s.RetiresAt)));
        Assert.Empty(await AuditedWrites.ActionsAsync(host));
    }
}
