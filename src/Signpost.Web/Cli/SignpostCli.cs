using System.CommandLine;
using Signpost.Core.Accounts;
using Signpost.Web.Setup;

namespace Signpost.Web.Cli;

/// <summary>
/// The <c>signpost</c> command line. <c>serve</c> is the default; every other command builds the same
/// host (configuration, database) without listening, does one thing, and exits non-zero with one clear
/// line when it cannot.
/// </summary>
public static class SignpostCli
{
    /// <summary>
    /// The process's arguments, handed to the host that admin commands build, so that
    /// <c>--Section:Key=value</c> configuration (say, the database) applies to them as it does to <c>serve</c>.
    /// </summary>
    internal static string[] Arguments { get; private set; } = [];

    public static async Task<int> RunAsync(string[] args)
    {
        Arguments = args;
        var root = new RootCommand("Signpost — sign-in for provider portals where every failure explains itself.");
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on (default http://localhost:5080)." };
        var demo = new Option<bool>("--demo") { Description = "Create the demo practice with one account in each state." };
        root.Options.Add(urls);
        root.Options.Add(demo);

        // Anything unrecognised goes to ASP.NET Core configuration (--Section:Key=value), as for any ASP.NET Core host.
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((result, cancellationToken) => ServeCommand.RunAsync(result.GetValue(urls), result.GetValue(demo), [.. result.UnmatchedTokens], cancellationToken));

        var serve = new Command("serve", "Run the web service (the default command).");
        serve.Options.Add(urls);
        serve.Options.Add(demo);
        serve.TreatUnmatchedTokensAsErrors = false;
        serve.SetAction((result, cancellationToken) => ServeCommand.RunAsync(result.GetValue(urls), result.GetValue(demo), [.. result.UnmatchedTokens], cancellationToken));
        root.Subcommands.Add(serve);

        root.Subcommands.Add(AdminCommands.Migrate());
        root.Subcommands.Add(AdminCommands.Organizations());
        root.Subcommands.Add(AdminCommands.Users());
        root.Subcommands.Single(c => c.Name == "users").Subcommands.Add(PasswordExpiryCommands.ExtendExpiry());
        root.Subcommands.Add(AdminCommands.Events());
        root.Subcommands.Add(AdminCommands.Docs());
        root.Subcommands.Add(MaintenanceCommands.Build());
        root.Subcommands.Add(AuditCommands.Build());
        root.Subcommands.Add(DiagnoseCommand.Build());
        root.Subcommands.Single(c => c.Name == "audit").Subcommands.Add(CredentialAuditCommand.Build());
        root.Subcommands.Add(SsoCommands.Build());
        root.Subcommands.Add(ReportCommand.Build());

        var parsed = root.Parse(args);

        // Exceptions are not caught here: the test host stops the app by throwing through Main.
        return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    internal static PracticeRoles ParseRoles(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return PracticeRoles.Staff;
        }

        var roles = PracticeRoles.None;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Enum.TryParse<PracticeRoles>(part, ignoreCase: true, out var role) || role == PracticeRoles.None || !Enum.IsDefined(role))
            {
                throw new AdministrationException($"'{part}' is not a role: use PracticeAdmin, Staff or Provider (comma-separated).");
            }

            roles |= role;
        }

        return roles;
    }
}
