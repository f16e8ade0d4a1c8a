using System.CommandLine;
using System.Globalization;
using Signpost.Web.Incidents;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Cli;

/// <summary><c>signpost webhook rotate-secret</c>: a new signing secret for the ticketing webhook, with an overlap (docs/incidents.md).</summary>
public static class WebhookCommands
{
    public static Command Build() => new("webhook", "Manage the ticketing webhook's signing secrets.") { RotateSecret() };

    private static Command RotateSecret()
    {
        var overlap = new Option<string>("--overlap")
        {
            Description = "How long the current secret keeps signing beside the new one: 30m, 24h, 7d (default 24h, at most 30d; 0 ends it now).",
            DefaultValueFactory = _ => "24h",
        };
        var command = new Command("rotate-secret", "Make a new whsec_ secret that signs from now on; the old one keeps signing until the overlap ends.") { overlap };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var text = result.GetValue(overlap)!;
            var duration = ParseDuration(text) ?? throw new CommandRefusedException($"--overlap '{text}' is not a duration: use minutes, hours or days, e.g. 30m, 24h, 7d.");
            var rotation = await services.GetRequiredService<WebhookSecrets>().RotateAsync(duration, ct2);

            // Printed once and never again: it is stored encrypted and the audit trail holds only its ID.
            Console.WriteLine(rotation.Secret);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"New webhook secret {rotation.Id} signs from now on; the previous one ({rotation.RetiredId}) also signs until {rotation.OverlapEndsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC. Give the receiver the new secret before then."));
        }, ct));
        return command;
    }

    /// <summary>"0", "45m", "24h", "7d"; null for anything else.</summary>
    internal static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        if (text == "0")
        {
            return TimeSpan.Zero;
        }

        if (text.Length < 2 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount > 100_000)
        {
            return null;
        }

        return char.ToLowerInvariant(text[^1]) switch
        {
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => null,
        };
    }
}
