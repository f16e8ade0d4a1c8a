using System.CommandLine;
using System.Globalization;
using Signpost.Core.Maintenance;
using Signpost.Web.Queries;

namespace Signpost.Web.Cli;

/// <summary><c>signpost maintenance schedule|list|extend|cancel|close|procedure</c>: planned downtime from the operator's console.</summary>
public static class MaintenanceCommands
{
    private static readonly string[] Formats = ["yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss"];

    public static Command Build()
    {
        return new Command("maintenance", "Schedule and manage maintenance windows.") { Schedule(), List(), Extend(), Cancel(), Close(), DowntimeProcedureCommand.Build() };
    }

    private static Command Schedule()
    {
        var start = new Option<string>("--start") { Description = "Local start, \"yyyy-MM-dd HH:mm\" in --time-zone.", Required = true };
        var end = new Option<string>("--end") { Description = "Local end, \"yyyy-MM-dd HH:mm\" in --time-zone.", Required = true };
        var zone = new Option<string>("--time-zone") { Description = "IANA time zone the times are in (default UTC).", DefaultValueFactory = _ => "UTC" };
        var scope = new Option<string>("--scope") { Description = "portal, sign-in, or sso (one organization's single sign-on).", DefaultValueFactory = _ => "portal" };
        var org = new Option<string?>("--org") { Description = "Organization slug, for --scope sso." };
        var message = new Option<string>("--message") { Description = "What users read in the notice.", Required = true };
        var command = new Command("schedule", "Schedule a maintenance window.") { start, end, zone, scope, org, message };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var organizationId = await OrganizationIdAsync(services, result.GetValue(org), ct2);
            var window = await services.GetRequiredService<MaintenancePlanner>().ScheduleAsync(new MaintenanceRequest(
                ParseLocal(result.GetValue(start)!, "--start"), ParseLocal(result.GetValue(end)!, "--end"), result.GetValue(zone)!,
                ParseScope(result.GetValue(scope)!), organizationId, result.GetValue(message)!, "cli"), ct2).OrRefuse();
            Console.WriteLine($"Scheduled {window.Id}");
            Print(window, services.GetRequiredService<TimeProvider>().GetUtcNow());
        }, ct));
        return command;
    }

    private static Command List()
    {
        var all = new Option<bool>("--all") { Description = "Include past and cancelled windows of the last 90 days." };
        var command = new Command("list", "List upcoming and running windows.") { all };
        command.SetAction((result, ct) => AdminCommands.ReadAsync(async (services, ct2) =>
        {
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            // Overrunning windows (end passed, never closed) are listed too: they are the ones operators must close.
            var windows = (await services.GetRequiredService<IMaintenanceStore>().ListAsync(now.AddDays(-90), now.AddYears(5), result.GetValue(all), ct2))
                .Where(w => result.GetValue(all) || w.EndsAt > now || w.IsOverrunning(now)).ToList();
            if (windows.Count == 0)
            {
                Console.WriteLine("No maintenance windows.");
            }

            foreach (var window in windows)
            {
                Print(window, now);
            }
        }, ct));
        return command;
    }

    private static Command Extend()
    {
        var id = new Argument<Guid>("id") { Description = "The window's ID (from list)." };
        var end = new Option<string>("--end") { Description = "New local end, \"yyyy-MM-dd HH:mm\".", Required = true };
        var zone = new Option<string?>("--time-zone") { Description = "Time zone of --end (default: the zone the window was entered in)." };
        var command = new Command("extend", "Move a window's end later.") { id, end, zone };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var window = await services.GetRequiredService<MaintenancePlanner>().ExtendAsync(result.GetValue(id), ParseLocal(result.GetValue(end)!, "--end"), result.GetValue(zone), ct2).OrRefuse();
            Console.WriteLine("Extended.");
            Print(window, services.GetRequiredService<TimeProvider>().GetUtcNow());
        }, ct));
        return command;
    }

    private static Command Cancel()
    {
        var id = new Argument<Guid>("id") { Description = "The window's ID (from list)." };
        var command = new Command("cancel", "Cancel a window that has not started.") { id };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            await services.GetRequiredService<MaintenancePlanner>().CancelAsync(result.GetValue(id), ct2).OrRefuse();
            Console.WriteLine("Cancelled.");
        }, ct));
        return command;
    }

    private static Command Close()
    {
        var id = new Argument<Guid>("id") { Description = "The window's ID (from list)." };
        var command = new Command("close", "Declare the work of a running or overrunning window finished.") { id };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            await services.GetRequiredService<MaintenancePlanner>().CloseAsync(result.GetValue(id), ct2).OrRefuse();
            Console.WriteLine("Closed.");
        }, ct));
        return command;
    }

    private static void Print(MaintenanceWindow window, DateTimeOffset now)
    {
        var zone = MaintenancePlanner.FindZone(window.EnteredTimeZone) ?? TimeZoneInfo.Utc;
        var state = window.IsCancelled ? "cancelled" : window.ClosedAt is not null ? "closed" : window.IsOverrunning(now) ? "OVERRUNNING"
            : window.IsInForce(now) ? "in progress" : window.EndsAt <= now ? "ended" : "scheduled";
        var local = $"{TimeZoneInfo.ConvertTime(window.StartsAt, zone):yyyy-MM-dd HH:mm}–{TimeZoneInfo.ConvertTime(window.EndsAt, zone):yyyy-MM-dd HH:mm} {zone.Id}";
        Console.WriteLine($"{window.Id}  {state,-11}  {window.Scope,-15}  {window.StartsAt.UtcDateTime:yyyy-MM-dd HH:mm}–{window.EndsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({local})  {window.Message}");
    }

    private static DateTime ParseLocal(string value, string option) =>
        DateTime.TryParseExact(value.Trim(), Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? parsed
            : throw new CommandRefusedException($"{option} '{value}' is not a time like \"2026-12-05 06:30\".");

    private static MaintenanceScope ParseScope(string value) => value.Trim().ToLowerInvariant() switch
    {
        "portal" => MaintenanceScope.Portal,
        "sign-in" or "signin" => MaintenanceScope.SignIn,
        "sso" => MaintenanceScope.OrganizationSso,
        _ => throw new CommandRefusedException($"'{value}' is not a scope: use portal, sign-in or sso."),
    };

    private static async Task<Guid?> OrganizationIdAsync(IServiceProvider services, string? slug, CancellationToken cancellationToken)
    {
        if (slug is null)
        {
            return null;
        }

        var id = await services.GetRequiredService<CliQueries>().OrganizationIdAsync(slug.Trim().ToLowerInvariant(), cancellationToken);
        return id ?? throw new CommandRefusedException($"No organization has slug '{slug}'.");
    }
}
