using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Health;

/// <summary>
/// What a load balancer sees (docs/deployment.md, "Health checks"): <c>/healthz</c> while the process runs,
/// <c>/readyz</c> only while the database answers with every migration applied and the key ring works.
/// These tests take the host's own database away, so the host is this class's alone.
/// </summary>
public sealed class ReadinessTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task Probes_HealthyHost_BothAnswerHealthy()
    {
        using var client = app.CreateClient();

        var live = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_DatabaseUnreachable_Unhealthy_AliveStill_RecoversWhenItIsBack()
    {
        // Arrange: the database's folder disappears (a volume unmounted), and no pooled connection hides it.
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
        var away = app.Folder + "-away";
        Directory.Move(app.Folder, away);
        try
        {
            SqliteConnection.ClearAllPools();

            // Act
            var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
            var live = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

            // Assert
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.False(Directory.Exists(app.Folder), "the readiness check created the database's folder again");
        }
        finally
        {
            Directory.Move(away, app.Folder);
            SqliteConnection.ClearAllPools();
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Readyz_MigrationPending_Unhealthy_RecoversWhenApplied()
    {
        // Arrange: the database lacks the newest migration this build knows (the row that says it was applied).
        using var client = app.CreateClient();
        var (id, version) = await app.WithDbAsync(async db =>
        {
            var last = await db.Database.SqlQueryRaw<MigrationRow>(
                "SELECT \"MigrationId\", \"ProductVersion\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\" DESC LIMIT 1").SingleAsync();
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {0}", last.MigrationId);
            return (last.MigrationId, last.ProductVersion);
        });
        try
        {
            // Act
            var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));

            // Assert
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        }
        finally
        {
            await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ({0}, {1})", id, version));
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_LeavesOutTheProbes()
    {
        using var client = app.CreateClient();

        var document = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Contains("/api/v1/sign-in", document, StringComparison.Ordinal);
        Assert.DoesNotContain("/healthz", document, StringComparison.Ordinal);
        Assert.DoesNotContain("/readyz", document, StringComparison.Ordinal);
    }

    private sealed record MigrationRow(string MigrationId, string ProductVersion);
}
