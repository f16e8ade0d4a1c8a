using System.CommandLine;
using Signpost.Core.Accounts;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Infrastructure;
using Signpost.Web.Sso;

namespace Signpost.Web.Cli;

/// <summary><c>signpost sso add|test|list</c>: an organization's own identity provider from the command line.</summary>
public static class SsoCommands
{
    /// <summary>The environment variable the client secret is read from unless another is named: never a command-line argument, which ps and shell history keep.</summary>
    public const string DefaultSecretVariable = "SIGNPOST_SSO_CLIENT_SECRET";

    public static Command Build() => new("sso", "Manage organizations' single sign-on connections (OpenID Connect or SAML 2.0).") { Add(), Test(), List(), Remove() };

    private static Command Add()
    {
        var org = new Option<string>("--org") { Description = "The organization's slug.", Required = true };
        var discovery = new Option<string>("--discovery-url") { Description = "https://…/.well-known/openid-configuration of the practice's provider (OpenID Connect)." };
        var clientId = new Option<string>("--client-id") { Description = "The client ID the provider issued to Signpost (OpenID Connect)." };
        var secretVariable = new Option<string>("--client-secret-env") { Description = $"Environment variable holding the client secret (default {DefaultSecretVariable}).", DefaultValueFactory = _ => DefaultSecretVariable };
        var scopes = new Option<string?>("--scopes") { Description = "Space-separated scopes (default: openid profile email)." };
        var usernameClaim = new Option<string?>("--username-claim") { Description = "Claim that names the username (default preferred_username)." };
        var emailClaim = new Option<string?>("--email-claim") { Description = "Claim that holds the email (default email)." };
        var npiClaim = new Option<string?>("--npi-claim") { Description = "Claim that holds the individual NPI (default npi)." };
        var userInfo = new Option<bool?>("--userinfo") { Description = "Read the claims the ID token lacks from the provider's userinfo endpoint (default true; see docs/sso.md)." };
        var linkEmail = new Option<bool?>("--link-by-email") { Description = "Link members of the practice by verified email (default true)." };
        var linkNpi = new Option<bool?>("--link-by-npi") { Description = "Link members of the practice by NPI (default false: an NPI is public; see docs/sso.md)." };
        var create = new Option<bool?>("--create-accounts") { Description = "Create accounts just in time when nothing links (default false)." };
        var role = new Option<string?>("--default-role") { Description = "Role of accounts created just in time: Staff, Provider or PracticeAdmin." };
        var required = new Option<bool?>("--required") { Description = "SSO required: passwords are refused for the practice." };
        var secondFactor = new Option<bool?>("--second-factor") { Description = "Ask Signpost's second factor after the provider too, by the practice's second-factor policy (default false; see docs/mfa.md)." };
        var domains = new Option<string[]>("--email-domain") { Description = "Email domain routed to this provider from the generic sign-in page (repeat the option for each domain)." };
        var saml = new SamlCommands.Options();
        var command = new Command("add", "Create or change an organization's connection; the secret is stored encrypted.")
        {
            org, discovery, clientId, secretVariable, scopes, usernameClaim, emailClaim, npiClaim, userInfo, linkEmail, linkNpi, create, role, required, secondFactor, domains,
            saml.Saml, saml.Metadata, saml.AllowSha1, saml.RequireEncryption,
        };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var roleText = result.GetValue(role);
            PracticeRoles? defaultRoles = roleText is null ? null
                : Enum.TryParse<PracticeRoles>(roleText, ignoreCase: true, out var parsed) && parsed is PracticeRoles.Staff or PracticeRoles.Provider or PracticeRoles.PracticeAdmin ? parsed
                : throw new CommandRefusedException($"'{roleText}' is not a role: use Staff, Provider or PracticeAdmin.");
            var listed = result.GetValue(domains);
            if (result.GetValue(saml.Saml))
            {
                await SamlCommands.AddAsync(services, result, saml, result.GetValue(org)!, new Sso.Saml.SamlConnectionRequest(null, null, result.GetValue(usernameClaim),
                    result.GetValue(emailClaim), result.GetValue(npiClaim), result.GetValue(linkEmail), result.GetValue(linkNpi), result.GetValue(create), defaultRoles,
                    result.GetValue(required), listed is { Length: > 0 } ? listed : null), ct2);
                return;
            }

            if (result.GetValue(discovery) is null || result.GetValue(clientId) is null)
            {
                throw new CommandRefusedException("An OpenID Connect connection needs --discovery-url and --client-id (or give --saml --metadata).");
            }

            var secret = Environment.GetEnvironmentVariable(result.GetValue(secretVariable)!);
            var connection = await services.GetRequiredService<SsoConnectionManager>().SaveAsync(result.GetValue(org)!, new SsoConnectionRequest(
                result.GetValue(discovery)!, result.GetValue(clientId)!, secret, result.GetValue(scopes), result.GetValue(usernameClaim), result.GetValue(emailClaim),
                result.GetValue(npiClaim), result.GetValue(linkEmail), result.GetValue(linkNpi), result.GetValue(create), defaultRoles, result.GetValue(required),
                listed is { Length: > 0 } ? listed : null, UseUserInfo: result.GetValue(userInfo), AskSecondFactor: result.GetValue(secondFactor)), ct2).OrRefuse();
            Console.WriteLine($"Saved the connection of {result.GetValue(org)} ({connection.Id}); client secret {(connection.ProtectedClientSecret is null ? "not set" : "stored encrypted")}.");
            Console.WriteLine($"Register this redirect URI at the provider: {{public base URL}}{SsoEndpoints.CallbackPrefix}{result.GetValue(org)}");
        }, ct));
        return command;
    }

    private static Command Test()
    {
        var org = new Option<string>("--org") { Description = "The organization's slug.", Required = true };
        var command = new Command("test", "Run the connection's health checks now and explain each result.") { org };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var connection = await services.GetRequiredService<SsoConnectionManager>().FindAsync(result.GetValue(org)!, ct2)
                ?? throw new CommandRefusedException($"{result.GetValue(org)} has no single sign-on connection.");
            var report = await services.GetRequiredService<SsoHealthChecker>().CheckAndRecordAsync(connection, ct2);
            Console.WriteLine($"{connection.Organization!.Slug}: {report.Status}");
            foreach (var finding in report.Findings)
            {
                Console.WriteLine($"  [{(finding.Ok ? finding.Warning ? "warn" : "ok" : "FAIL")}] {finding.Check}: {finding.Explanation}");
            }

            if (report.Status == SsoHealthStatus.Failing)
            {
                throw new CommandRefusedException("the connection failed its checks.");
            }
        }, ct));
        return command;
    }

    private static Command Remove()
    {
        var org = new Option<string>("--org") { Description = "The organization's slug.", Required = true };
        var command = new Command("remove", "Remove an organization's connection with its links and health history; its people sign in with passwords again.") { org };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var removed = await services.GetRequiredService<SsoConnectionManager>().RemoveAsync(result.GetValue(org)!, ct2).OrRefuse();
            Console.WriteLine($"Removed the connection of {result.GetValue(org)} ({removed.Id}) with its links and health history.");
        }, ct));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the connections with their last health status.");
        command.SetAction((result, ct) => AdminCommands.ReadAsync(async (services, ct2) =>
        {
            foreach (var c in await services.GetRequiredService<SsoConnectionManager>().ListAsync(ct2))
            {
                var checkedAt = c.HealthCheckedAt is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "never checked";
                Console.WriteLine($"{c.Organization!.Slug}\t{c.DiscoveryUrl}\t{(c.Required ? "required" : "optional")}\t{c.HealthStatus?.ToString() ?? "-"} ({checkedAt})");
            }
        }, ct));
        return command;
    }
}
