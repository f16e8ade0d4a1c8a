using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Browsers;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Signpost.Core.SingleSignOn;
using Signpost.Core.Troubleshooting;
using Signpost.Data;
using Signpost.Data.Tests.Infrastructure;
using Signpost.Data.Stores;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// The SSO tables — connections (with their email-domain list), links and health history — and what reads
/// them: "SSO required", and the troubleshooter's connection health. Same results on SQLite and PostgreSQL.
/// </summary>
public sealed class SsoStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private static async Task<(Organization Practice, SsoConnection Connection)> AddConnectionAsync(StoreHost host, string slug, bool required = false, bool enabled = true)
    {
        var practice = new Organization { Slug = slug, Name = $"Practice {slug}", CreatedAt = Now.AddYears(-1) };
        var connection = new SsoConnection
        {
            OrganizationId = practice.Id,
            DiscoveryUrl = $"https://login.{slug}.example{SsoConnection.WellKnownSuffix}",
            ClientId = "portal",
            ProtectedClientSecret = "CfDJ8-protected",
            Required = required,
            Enabled = enabled,
            DefaultRoles = PracticeRoles.Staff | PracticeRoles.Provider,
            EmailDomains = [$"{slug}.example", $"mail.{slug}.example"],
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        await host.DbAsync(async db =>
        {
            db.Organizations.Add(practice);
            db.SsoConnections.Add(connection);
            await db.SaveChangesAsync();
        });
        return (practice, connection);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Connection_RoundTripsEveryColumn_AndOnePerOrganization(string provider)
    {
        var host = await StartAsync(provider);
        var (practice, connection) = await AddConnectionAsync(host, "roundtrip");

        var stored = await host.DbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Id == connection.Id));
        var second = await Assert.ThrowsAsync<DbUpdateException>(() => host.DbAsync(async db =>
        {
            db.SsoConnections.Add(new SsoConnection { OrganizationId = practice.Id, DiscoveryUrl = "https://other.example" + SsoConnection.WellKnownSuffix, ClientId = "x", CreatedAt = Now, UpdatedAt = Now });
            await db.SaveChangesAsync();
        }));

        Assert.Equal((connection.DiscoveryUrl, "portal", "CfDJ8-protected", PracticeRoles.Staff | PracticeRoles.Provider, true, Now), (stored.DiscoveryUrl, stored.ClientId, stored.ProtectedClientSecret, stored.DefaultRoles, stored.Enabled, stored.UpdatedAt));
        Assert.Equal(["roundtrip.example", "mail.roundtrip.example"], stored.EmailDomains);
        Assert.NotNull(second);
        await host.DbAsync(async db =>
        {
            db.Organizations.Remove(await db.Organizations.SingleAsync(o => o.Id == practice.Id));
            await db.SaveChangesAsync();
        });
        Assert.False(await host.DbAsync(db => db.SsoConnections.AnyAsync(c => c.Id == connection.Id)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RequiringSso_OnlyRequiredAndEnabledConnectionsOfTheAskedOrganizations(string provider)
    {
        var host = await StartAsync(provider);
        var (required, _) = await AddConnectionAsync(host, "required", required: true);
        var (optional, _) = await AddConnectionAsync(host, "optional");
        var (paused, _) = await AddConnectionAsync(host, "paused", required: true, enabled: false);
        var (notAsked, _) = await AddConnectionAsync(host, "notasked", required: true);

        var result = await host.WithAsync<ISsoPolicy, IReadOnlySet<Guid>>(policy => policy.RequiringSsoAsync([required.Id, optional.Id, paused.Id], CancellationToken.None));

        Assert.Equal([required.Id], result);
        Assert.DoesNotContain(notAsked.Id, result);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Links_SubjectIsUniquePerConnection(string provider)
    {
        var host = await StartAsync(provider);
        var (_, connection) = await AddConnectionAsync(host, "links");
        var (_, other) = await AddConnectionAsync(host, "others");
        var accountId = await host.AddAccountAsync("linked.person");
        await host.DbAsync(async db =>
        {
            db.SsoLinks.Add(new SsoLink { ConnectionId = connection.Id, Subject = "sub-1", AccountId = accountId, LinkedBy = "email", LinkedAt = Now });
            db.SsoLinks.Add(new SsoLink { ConnectionId = other.Id, Subject = "sub-1", AccountId = accountId, LinkedBy = "npi", LinkedAt = Now });
            await db.SaveChangesAsync();
        });

        await Assert.ThrowsAsync<DbUpdateException>(() => host.DbAsync(async db =>
        {
            db.SsoLinks.Add(new SsoLink { ConnectionId = connection.Id, Subject = "sub-1", AccountId = accountId, LinkedBy = "created", LinkedAt = Now });
            await db.SaveChangesAsync();
        }));

        Assert.Equal(["email", "npi"], (await host.DbAsync(db => db.SsoLinks.AsNoTracking().Where(l => l.Subject == "sub-1").Select(l => l.LinkedBy).ToListAsync())).Order());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task FindSsoHealth_ReadsTheNewestRecord_AndNothingForDisabledOrMissing(string provider)
    {
        var host = await StartAsync(provider);
        var (practice, connection) = await AddConnectionAsync(host, "health", required: true);
        var (paused, pausedConnection) = await AddConnectionAsync(host, "pausedhealth", enabled: false);
        var (unchecked_, _) = await AddConnectionAsync(host, "unchecked");
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        await host.DbAsync(async db =>
        {
            db.SsoHealthRecords.Add(new SsoHealthRecord
            {
                ConnectionId = connection.Id, CheckedAt = Now.AddHours(-2), Status = SsoHealthStatus.Healthy, EarliestExpiry = Now.AddDays(90),
                Findings = JsonSerializer.Serialize(new[] { new SsoHealthFinding("discovery", true, "ok"), new SsoHealthFinding("signing_keys", true, "1 key") }, json),
            });
            db.SsoHealthRecords.Add(new SsoHealthRecord
            {
                ConnectionId = connection.Id, CheckedAt = Now.AddMinutes(-5), Status = SsoHealthStatus.Failing,
                Findings = JsonSerializer.Serialize(new[] { new SsoHealthFinding("discovery", false, "The discovery document could not be reached.", Unreachable: true) }, json),
            });
            db.SsoHealthRecords.Add(new SsoHealthRecord { ConnectionId = pausedConnection.Id, CheckedAt = Now, Status = SsoHealthStatus.Failing, Findings = "[]" });
            await db.SaveChangesAsync();
        });

        var (latest, disabled, none, missing) = await host.WithAsync<IServiceProvider, (SsoHealth?, SsoHealth?, SsoHealth?, SsoHealth?)>(async services =>
        {
            var facts = new DatabaseTroubleshootingFacts(
                services.GetRequiredService<SignpostDbContext>(), services.GetRequiredService<IAccountStore>(), services.GetRequiredService<IMaintenanceStore>(),
                services.GetRequiredService<IAuditStore>(), new NoBrowsers());
            return (
                await facts.FindSsoHealthAsync(practice.Id, CancellationToken.None),
                await facts.FindSsoHealthAsync(paused.Id, CancellationToken.None),
                await facts.FindSsoHealthAsync(unchecked_.Id, CancellationToken.None),
                await facts.FindSsoHealthAsync(Guid.NewGuid(), CancellationToken.None));
        });

        Assert.NotNull(latest);
        Assert.Equal((connection.Id.ToString(), (bool?)false, (bool?)null, (DateTimeOffset?)null, (DateTimeOffset?)Now.AddMinutes(-5), true),
            (latest.ConnectionId, latest.Reachable, latest.SigningKeysValid, latest.CertificateExpiresAt, latest.CheckedAt, latest.Required));
        Assert.Equal("The discovery document could not be reached.", latest.Problem);
        Assert.Null(disabled);
        Assert.Equal(((bool?)null, (DateTimeOffset?)null), (none!.Reachable, none.CheckedAt));
        Assert.Null(missing);
    }

    private sealed class NoBrowsers : IOptionsMonitor<BrowserSupportOptions>
    {
        public BrowserSupportOptions CurrentValue { get; } = new();

        public BrowserSupportOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<BrowserSupportOptions, string?> listener) => null;
    }
}
