using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Audit;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Audit;

/// <summary>
/// Administrative acts from the command line land in the audit trail; <c>signpost audit verify</c> finds
/// an entry edited straight in the database and names it; <c>audit export</c> writes JSON lines.
/// </summary>
public sealed class AuditCliTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task AdminActs_AreAudited_VerifyIsIntact_ThenAnEditInTheDatabaseIsNamed()
    {
        // Arrange: the app is up (its first start records the bootstrap admin), then acts through the CLI.
        await app.WithDbAsync(db => db.AuditEntries.CountAsync());
        var slug = TestAccounts.Unique("audit");
        var username = TestAccounts.Unique("aud");
        Assert.Equal(0, (await RunAsync("orgs", "create", "--slug", slug, "--name", "Audit Clinic")).ExitCode);
        Assert.Equal(0, (await RunAsync("orgs", "policy", "--slug", slug, "--lockout-threshold", "5")).ExitCode);
        var created = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, TestAccounts.Password,
            "users", "create", "--org", slug, "--username", username, "--email", $"{username}@clinic.example", "--password-stdin");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal(0, (await RunAsync("users", "unlock", username)).ExitCode);

        // Act
        var intact = await RunAsync("audit", "verify");
        var entries = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync());
        var policy = Assert.Single(entries, e => e.Action == "organization.policy");
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"After\" = '{{\"LockoutThreshold\":100}}' WHERE \"Sequence\" = {policy.Sequence}"));
        var broken = await RunAsync("audit", "verify");
        var exported = await RunAsync("audit", "export");

        // Assert: what was recorded
        Assert.True(entries.Any(e => e.Action == "organization.create" && e.After!.Contains(slug, StringComparison.Ordinal)),
            string.Join("\n", entries.Select(e => $"{e.Sequence} {e.Action} {e.After}")));
        Assert.Contains("\"LockoutThreshold\":10", policy.Before, StringComparison.Ordinal);
        Assert.Contains("\"LockoutThreshold\":5", policy.After, StringComparison.Ordinal);
        Assert.StartsWith("cli:", policy.Actor, StringComparison.Ordinal);
        Assert.Contains(entries, e => e.Action == "account.create" && e.After!.Contains(username, StringComparison.Ordinal) && !e.After.Contains("PasswordHash", StringComparison.Ordinal) && !e.After.Contains("AQAAAA", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Action == "account.unlock");

        // Assert: verify before and after the edit
        Assert.True(intact.ExitCode == 0, intact.ToString());
        Assert.StartsWith($"intact: {entries.Count} entries; head {entries[^1].Hash}", intact.Stdout.Trim(), StringComparison.Ordinal);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains($"BROKEN at entry {policy.Sequence}: entry {policy.Sequence} was changed after it was written", broken.Stderr, StringComparison.Ordinal);

        // Assert: export is one JSON object per entry, in order
        var lines = exported.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(entries.Count, lines.Length);
        var parsed = lines.Select(l => JsonSerializer.Deserialize<AuditEntry>(l)!).ToList();
        Assert.Equal(entries.Select(e => e.Sequence), parsed.Select(e => e.Sequence));
        Assert.Equal(entries[^1].Hash, parsed[^1].Hash);
    }

    private Task<CliRun> RunAsync(params string[] args) => SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, args);
}
