using Microsoft.EntityFrameworkCore;
using Signpost.Core.Organizations;
using Signpost.Core.SingleSignOn;
using Signpost.Core.SingleSignOn.Saml;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// The SAML replay cache (docs/saml.md "defences"): an assertion ID is accepted once per connection, by exactly one
/// of many nodes posting it at once; expired IDs are purged; a SAML connection's settings live and die with it.
/// Same on SQLite and PostgreSQL.
/// </summary>
public sealed class SamlReplayCacheContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private static async Task<Guid> AddSamlConnectionAsync(StoreHost host, string slug)
    {
        var practice = new Organization { Slug = slug, Name = $"Practice {slug}", CreatedAt = Now.AddYears(-1) };
        var connection = new SsoConnection
        {
            OrganizationId = practice.Id,
            DiscoveryUrl = "https://idp.example/metadata",
            ClientId = "",
            Protocol = SsoProtocol.Saml,
            Saml = new SamlSettings { IdpEntityId = "https://idp.example/metadata", SsoUrl = "https://idp.example/sso", SigningCertificates = "AAAA" },
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        await host.DbAsync(async db =>
        {
            db.Organizations.Add(practice);
            db.SsoConnections.Add(connection);
            await db.SaveChangesAsync();
        });
        return connection.Id;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryUseAsync_TwentyNodesPostTheSameAssertion_ExactlyOneAccepts(string provider)
    {
        var host = await StartAsync(provider);
        var connection = await AddSamlConnectionAsync(host, "replay");

        var accepted = await ConcurrentlyAsync(20, _ => host.WithAsync<ISamlReplayCache, bool>(cache =>
            cache.TryUseAsync(connection, "_assertion-1", Now.AddMinutes(5), CancellationToken.None)));

        Assert.Single(accepted, a => a);
        Assert.Equal(1, await host.DbAsync(db => db.SamlAssertionUses.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryUseAsync_SameIdAtAnotherConnection_IsItsOwn(string provider)
    {
        var host = await StartAsync(provider);
        var first = await AddSamlConnectionAsync(host, "one");
        var second = await AddSamlConnectionAsync(host, "two");

        var a = await host.WithAsync<ISamlReplayCache, bool>(cache => cache.TryUseAsync(first, "_same", Now.AddMinutes(5), CancellationToken.None));
        var b = await host.WithAsync<ISamlReplayCache, bool>(cache => cache.TryUseAsync(second, "_same", Now.AddMinutes(5), CancellationToken.None));
        var again = await host.WithAsync<ISamlReplayCache, bool>(cache => cache.TryUseAsync(first, "_same", Now.AddMinutes(5), CancellationToken.None));

        Assert.Equal((true, true, false), (a, b, again));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task PurgeAsync_ForgetsOnlyExpiredIds(string provider)
    {
        var host = await StartAsync(provider);
        var connection = await AddSamlConnectionAsync(host, "purge");
        await host.WithAsync<ISamlReplayCache, bool>(cache => cache.TryUseAsync(connection, "_old", Now.AddMinutes(-30), CancellationToken.None));
        await host.WithAsync<ISamlReplayCache, bool>(cache => cache.TryUseAsync(connection, "_live", Now.AddMinutes(5), CancellationToken.None));

        var purged = await host.WithAsync<ISamlReplayCache, int>(cache => cache.PurgeAsync(Now, CancellationToken.None));

        Assert.Equal(1, purged);
        Assert.Equal(["_live"], await host.DbAsync(db => db.SamlAssertionUses.Select(u => u.AssertionId).ToListAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RemovingTheConnection_TakesItsSettingsAndUsedIdsWithIt(string provider)
    {
        var host = await StartAsync(provider);
        var connection = await AddSamlConnectionAsync(host, "gone");
        await host.WithAsync<ISamlReplayCache, bool>(cache => cache.TryUseAsync(connection, "_x", Now.AddMinutes(5), CancellationToken.None));
        var stored = await host.DbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Id == connection));
        Assert.Equal((SsoProtocol.Saml, "https://idp.example/sso"), (stored.Protocol, stored.Saml!.SsoUrl));

        await host.DbAsync(db => db.SsoConnections.Where(c => c.Id == connection).ExecuteDeleteAsync());

        Assert.Equal(0, await host.DbAsync(db => db.SamlAssertionUses.CountAsync()));
        Assert.Equal(0, await host.DbAsync(db => db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"SamlConnectionSettings\"").SingleAsync()));
    }
}
