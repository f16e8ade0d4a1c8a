using Microsoft.EntityFrameworkCore;
using Signpost.Core.SingleSignOn;
using Signpost.Core.Tests.SingleSignOn.Saml;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Cli;

/// <summary><c>signpost sso add --saml --metadata FILE</c> and <c>sso test</c> on a SAML connection, through the executable's own entry (<see cref="SignpostCommand"/>).</summary>
public sealed class SamlCliTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    private Task<CliRun> RunAsync(params string[] args)
    {
        _ = app.Server;
        return SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, args);
    }

    [Fact]
    public async Task SsoAddSaml_RequireEncryption_IsStoredAndSaid_AndKeptWhenAddedAgainWithoutIt()
    {
        using var idp = new SamlTestIdp();
        var slug = TestAccounts.Unique("clienc");
        var file = Path.Combine(app.Folder, $"{slug}-idp.xml");
        await File.WriteAllTextAsync(file, idp.Metadata());
        Assert.True((await RunAsync("orgs", "create", "--slug", slug, "--name", "Saml Clinic")).ExitCode == 0);

        var added = await RunAsync("sso", "add", "--org", slug, "--saml", "--metadata", file, "--require-encryption");
        var again = await RunAsync("sso", "add", "--org", slug, "--saml", "--metadata", file);

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains("encrypted assertions required", added.Stdout, StringComparison.Ordinal);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("encrypted assertions required", again.Stdout, StringComparison.Ordinal);
        var stored = await app.WithDbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Organization!.Slug == slug));
        Assert.True(stored.Saml!.RequireEncryption);
    }

    [Fact]
    public async Task SsoAddSaml_MetadataFile_SavesTheConnectionAndSsoTestChecksItsCertificate()
    {
        using var idp = new SamlTestIdp();
        var slug = TestAccounts.Unique("clisaml");
        var file = Path.Combine(app.Folder, $"{slug}-idp.xml");
        await File.WriteAllTextAsync(file, idp.Metadata());
        Assert.True((await RunAsync("orgs", "create", "--slug", slug, "--name", "Saml Clinic")).ExitCode == 0);

        var added = await RunAsync("sso", "add", "--org", slug, "--saml", "--metadata", file, "--email-claim", "email", "--email-domain", $"{slug}.example");
        var tested = await RunAsync("sso", "test", "--org", slug);

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains($"provider {SamlTestIdp.EntityId}, 1 signing certificate(s)", added.Stdout, StringComparison.Ordinal);
        // The command runs with its own configuration, not the app's, so its public base URL is the default one.
        Assert.Contains($"/sso/saml/{slug} (entity ID; assertion consumer service ", added.Stdout, StringComparison.Ordinal);
        var stored = await app.WithDbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Organization!.Slug == slug));
        Assert.Equal((SsoProtocol.Saml, SamlTestIdp.EntityId, "email", $"{slug}.example"),
            (stored.Protocol, stored.Saml!.IdpEntityId, stored.EmailClaim, Assert.Single(stored.EmailDomains)));
        Assert.True(tested.ExitCode == 0, tested.ToString());
        Assert.Contains("[ok] key_expiry: Signing certificate CN=Signpost test IdP", tested.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SsoAddSaml_WithoutMetadata_ExitsOneWithOneLine()
    {
        var slug = TestAccounts.Unique("clinometa");
        Assert.True((await RunAsync("orgs", "create", "--slug", slug, "--name", "Saml Clinic")).ExitCode == 0);

        var run = await RunAsync("sso", "add", "--org", slug, "--saml");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("--saml needs --metadata", run.Stderr, StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.SsoConnections.AnyAsync(c => c.Organization!.Slug == slug)));
    }
}
