using System.CommandLine;
using Signpost.Core.Accounts;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Cli;

/// <summary>
/// The <c>signpost</c> command line. <c>serve</c> is the default; every other command builds the same
/// host (configuration, database) without listening, does one thing, and exits non-zero with one clear
/// line when it cannot.
/// </summary>
public static class SignpostCli
{
    /// <summary>
    /// The <c>--Section:Key=value</c> settings among the command's arguments, handed to the host that admin
    /// commands build, so that configuration (say, the database) applies to them as it does to <c>serve</c>.
    /// Held per run (an async-local), not per process: the tests run commands in process, several at once
    /// (docs/testing.md, "The command line in tests").
    /// </summary>
    internal static string[] Arguments => CurrentArguments.Value ?? [];

    private static readonly AsyncLocal<string[]> CurrentArguments = new();

    /// <summary>
    /// Runs one command; the exit code is one of <see cref="ExitCodes"/> (docs/cli.md). <c>Main</c> calls it
    /// with the process's arguments; the tests call it the same way, in process, with a token that ends a
    /// command that outlives its deadline (docs/testing.md, "The command line in tests").
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var (settings, tokens) = ConfigurationArguments.Split(args);
        CurrentArguments.Value = settings;
        var root = new RootCommand("Signpost — sign-in for provider portals where every failure explains itself.");
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on (default http://localhost:5080)." };
        var demo = new Option<bool>("--demo") { Description = "Create the demo practice with one account in each state." };
        root.Options.Add(urls);
        root.Options.Add(demo);

        // Only --Section:Key=value settings go to configuration (split off above); anything else unknown is an error.
        root.SetAction((result, cancellationToken) => ServeCommand.RunAsync(result.GetValue(urls), result.GetValue(demo), settings, cancellationToken));

        var serve = new Command("serve", "Run the web service (the default command).");
        serve.Options.Add(urls);
        serve.Options.Add(demo);
        serve.SetAction((result, cancellationToken) => ServeCommand.RunAsync(result.GetValue(urls), result.GetValue(demo), settings, cancellationToken));
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
        root.Subcommands.Add(StaffCommands.Build());
        root.Subcommands.Add(BackupCommands.Backup());
        root.Subcommands.Add(BackupCommands.Restore());
        root.Subcommands.Add(WebhookCommands.Build());
        root.Subcommands.Add(ReportCommand.Build());
        root.Subcommands.Add(ClientCommands.Build());
        root.Subcommands.Add(KeyCommands.Build());

        // No response files: a value such as --reason "@ops asked" is text, not a file to read arguments from.
        var parsed = root.Parse(tokens, new ParserConfiguration { ResponseFileTokenReplacer = null });

        // A wrong command line starts nothing: one line, exit 2, before any host or database is touched.
        if (parsed.Action is not { ClearsParseErrors: true } && UsageErrors.Describe(parsed, tokens) is { } problem)
        {
            await Console.Error.WriteLineAsync(problem);
            return ExitCodes.Usage;
        }

        // Exceptions are not caught here: the test host stops the app by throwing through Main.
        return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancellationToken);
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
                throw new CommandRefusedException($"'{part}' is not a role: use PracticeAdmin, Staff or Provider (comma-separated).");
            }

            roles |= role;
        }

        return roles;
    }
}
