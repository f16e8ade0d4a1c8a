using System.CommandLine;
using Signpost.Core.Accounts;
using Signpost.Web.Infrastructure;
using Signpost.Web.Sso.Saml;

namespace Signpost.Web.Cli;

/// <summary><c>signpost sso add --saml --metadata URL|FILE</c>: a practice's SAML 2.0 identity provider (docs/saml.md).</summary>
public static class SamlCommands
{
    /// <summary>The options <c>sso add</c> takes for SAML, new for each command tree.</summary>
    public sealed class Options
    {
        public Option<bool> Saml { get; } = new("--saml") { Description = "The provider speaks SAML 2.0: give its metadata with --metadata instead of --discovery-url and --client-id." };
        public Option<string?> Metadata { get; } = new("--metadata") { Description = "With --saml: the provider's metadata, an https:// URL or a file path." };
        public Option<bool?> AllowSha1 { get; } = new("--allow-sha1") { Description = "With --saml: accept SHA-1 signatures (off by default; only for a provider that cannot sign with SHA-256)." };
        public Option<bool?> RequireEncryption { get; } = new("--require-encryption") { Description = "With --saml: accept only encrypted assertions (the provider encrypts to Signpost's certificate from its metadata); off by default, when encrypted and plain are both accepted." };
    }

    /// <summary>Saves the SAML connection from the parsed command; the linking options are those of <c>sso add</c>.</summary>
    public static async Task AddAsync(IServiceProvider services, ParseResult result, Options options, string slug, SamlConnectionRequest linking, CancellationToken cancellationToken)
    {
        var source = result.GetValue(options.Metadata) ?? throw new CommandRefusedException("--saml needs --metadata with the provider's metadata URL or file.");
        var isUrl = source.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
        string? xml = null;
        if (!isUrl)
        {
            var file = new FileInfo(source);
            if (!file.Exists || file.Length > 256 * 1024)
            {
                throw new CommandRefusedException($"'{source}' is neither an http(s) address nor a metadata file of at most 256 KB.");
            }

            xml = await File.ReadAllTextAsync(file.FullName, cancellationToken);
        }

        var request = linking with { MetadataUrl = isUrl ? source : null, MetadataXml = xml, AllowSha1 = result.GetValue(options.AllowSha1), RequireEncryption = result.GetValue(options.RequireEncryption) };
        var connection = await services.GetRequiredService<SamlConnectionManager>().SaveAsync(slug, request, cancellationToken).OrRefuse();
        var flow = services.GetRequiredService<SamlFlow>();
        Console.WriteLine($"Saved the SAML connection of {slug} ({connection.Id}): provider {connection.Saml!.IdpEntityId}, {connection.Saml.Certificates().Count} signing certificate(s); encrypted assertions {(connection.Saml.RequireEncryption ? "required" : "accepted, not required")}.");
        Console.WriteLine($"Give the provider Signpost's metadata: {flow.EntityIdFor(slug)} (entity ID; assertion consumer service {flow.AcsFor(slug)}).");
    }
}
