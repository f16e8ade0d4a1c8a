using System.CommandLine;
using Signpost.Core.Accounts;
using Signpost.Core.Tokens;
using Signpost.Web.Infrastructure;
using Signpost.Web.Platform;
using Signpost.Web.Setup;

namespace Signpost.Web.Cli;

/// <summary>
/// <c>signpost staff grant|revoke|list</c>: the payer's own people — support agents and platform admins —
/// from the console, so a headless install can create its help desk. The same rules and audit entries as
/// the platform console's people page (<see cref="PlatformAdministration"/>), with the command line as the actor.
/// </summary>
public static class StaffCommands
{
    private static readonly string[] Roles = [nameof(PlatformRoles.SupportAgent), nameof(PlatformRoles.PlatformAdmin)];

    public static Command Build() =>
        new("staff", "Give or take the support and platform-admin roles (SupportAgent, PlatformAdmin).") { Grant(), Revoke(), List() };

    private static Option<string> RoleOption() => new Option<string>("--role")
    {
        Description = "SupportAgent or PlatformAdmin.",
        Required = true,
    }.AcceptOnlyFromAmong(Roles);

    private static Command Grant()
    {
        var who = new Argument<string>("identifier") { Description = "Username or email of the account." };
        var role = RoleOption();
        var email = new Option<string?>("--email") { Description = "Create the account (username = identifier, pending activation) when none has the identifier." };
        var name = new Option<string?>("--name") { Description = "Display name of an account created with --email." };
        var command = new Command("grant", "Give an account a platform role; with --email, create the account when it does not exist and print its activation link.") { who, role, email, name };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var identifier = result.GetValue(who)!.Trim();
            var platformRole = Enum.Parse<PlatformRoles>(result.GetValue(role)!);
            var provisioning = services.GetRequiredService<PlatformProvisioning>();
            var existing = await provisioning.FindAccountAsync(identifier, ct2);
            if (existing is null)
            {
                if (result.GetValue(email) is not { } address)
                {
                    throw new CommandRefusedException($"No account has the username or email '{identifier}'; add --email to create it.");
                }

                // Created pending, with no password: the person sets one through the one-time link, as for the first-run admin.
                var created = await provisioning.CreateAccountAsync(null, identifier, address, result.GetValue(name) ?? identifier, null,
                    PracticeRoles.None, platformRole, null, ct2).OrRefuse();
                var token = await services.GetRequiredService<ActivationService>().IssueAsync(created.Id, ActivationService.DefaultLifetime, ct2);
                Console.WriteLine($"Created {created.Username} ({platformRole}, pending activation). One-time activation link, valid 7 days:");
                Console.WriteLine($"  {services.GetRequiredService<Bootstrap>().Link(token)}");
                return;
            }

            var held = existing.PlatformRoles.HasFlag(platformRole);
            var account = await services.GetRequiredService<PlatformAdministration>().GrantPlatformRoleAsync(identifier, platformRole, ct2).OrRefuse();
            Console.WriteLine(held
                ? $"{account.Username} already holds {platformRole}; nothing changed."
                : $"Granted {platformRole} to {account.Username}; roles now {account.PlatformRoles}.");
        }, ct));
        return command;
    }

    private static Command Revoke()
    {
        var who = new Argument<string>("identifier") { Description = "Username or email of the account." };
        var role = RoleOption();
        var command = new Command("revoke", "Take a platform role away; the last active platform admin's is refused (exit code 1).") { who, role };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var platformRole = Enum.Parse<PlatformRoles>(result.GetValue(role)!);
            var held = (await services.GetRequiredService<PlatformProvisioning>().FindAccountAsync(result.GetValue(who)!.Trim(), ct2))?.PlatformRoles.HasFlag(platformRole) ?? true;
            var account = await services.GetRequiredService<PlatformAdministration>().RevokePlatformRoleAsync(result.GetValue(who)!, platformRole, ct2).OrRefuse();
            Console.WriteLine(!held
                ? $"{account.Username} does not hold {platformRole}; nothing changed."
                : $"Revoked {platformRole} from {account.Username}; roles now {account.PlatformRoles}.");
        }, ct));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List everyone holding a platform role, with the account's status.");
        command.SetAction((result, ct) => AdminCommands.ReadAsync(async (services, ct2) =>
        {
            var people = await services.GetRequiredService<PlatformAdministration>().ListPlatformPeopleAsync(ct2);
            if (people.Count == 0)
            {
                Console.WriteLine("Nobody holds a platform role.");
            }

            foreach (var person in people)
            {
                Console.WriteLine($"{person.Username}\t{person.Email}\t{person.Roles}\t{person.Status}");
            }
        }, ct));
        return command;
    }
}
