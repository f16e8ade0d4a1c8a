using System.CommandLine;
using Signpost.Core.Audit;
using Signpost.Core.Passwords;
using Signpost.Web.Api;
using Signpost.Web.Infrastructure;
using Signpost.Web.Passwords;
using Signpost.Web.Platform;

namespace Signpost.Web.Cli;

/// <summary>
/// <c>signpost users extend-expiry IDENTIFIER --days N</c>: the operator's console side of
/// <see cref="PasswordExpiryExtensions"/>, the same grant as <c>POST /api/v1/accounts/{id}/password-expiry-extension</c>.
/// </summary>
public static class PasswordExpiryCommands
{
    public static Command ExtendExpiry()
    {
        var who = new Argument<string>("identifier") { Description = "Username, email or NPI." };
        var days = new Option<int>("--days")
        {
            Description = $"Days later than the practice's policy the password expires ({PasswordExpiryExtensions.MinDays}–{PasswordExpiryExtensions.MaxDays}); replaces any earlier extension.",
            Required = true,
        };
        var command = new Command("extend-expiry", "Give one account more days before its password expires.") { who, days };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var identifier = result.GetValue(who)!;
            var requested = result.GetValue(days);
            if (!PasswordExpiryExtensions.IsValidDays(requested))
            {
                throw new CommandRefusedException($"--days must be between {PasswordExpiryExtensions.MinDays} and {PasswordExpiryExtensions.MaxDays}.");
            }

            var found = await services.GetRequiredService<PlatformProvisioning>().FindAccountAsync(identifier, ct2)
                ?? throw new CommandRefusedException($"No account has the identifier '{identifier}'.");
            var granted = await services.GetRequiredService<PasswordExpiryExtensions>().GrantAsync(found.Id, requested, ct2);
            if (granted.Status != ExpiryExtensionStatus.Granted)
            {
                throw new CommandRefusedException($"No account has the identifier '{identifier}'.");
            }

            var account = granted.Account!;
            await services.GetRequiredService<AuditTrail>().RecordAsync(AuditActor.CommandLine(), new AuditRecord(
                "account.expiry_extension", "account", account.Id.ToString(), null,
                new { ExpiresAt = granted.PreviousExpiresAt }, new { ExtensionDays = requested, granted.ExpiresAt }), ct2);
            var actor = $"{Environment.UserName} at the console";
            PasswordExpiryLog.ExtensionGranted(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PasswordExpiryCommands).FullName!),
                actor, "cli", requested, account.Id, account.Username, PasswordExpiryApi.Describe(granted.ExpiresAt));

            if (granted.ExpiresAt is not { } expiresAt)
            {
                Console.WriteLine($"Set a {requested}-day extension for {account.Username}. No practice of theirs turns password expiry on, so nothing changes unless one does.");
                return;
            }

            Console.WriteLine($"Extended {account.Username}'s password expiry by {requested} days: it now expires on {PasswordExpiryReminders.Utc(expiresAt)}.");
            if (granted.StillExpired)
            {
                Console.WriteLine("That is still in the past: the next sign-in asks for a new password. Grant more days to let the old one work.");
            }
        }, ct));
        return command;
    }
}
