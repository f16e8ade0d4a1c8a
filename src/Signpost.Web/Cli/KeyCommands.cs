using System.CommandLine;
using System.Globalization;
using Signpost.Core.Audit;
using Signpost.Core.OpenIdProvider;
using Signpost.Web.Infrastructure;
using Signpost.Web.OpenIdProvider;

namespace Signpost.Web.Cli;

/// <summary><c>signpost keys list|rotate</c>: the OpenID Connect provider's signing and encryption keys (docs/oidc-provider.md "Keys").</summary>
public static class KeyCommands
{
    public static Command Build() => new("keys", "Manage the OpenID Connect provider's signing and encryption keys.") { List(), Rotate() };

    private static Command List()
    {
        var command = new Command("list", "List the keys: the current one of each use, and retired ones still loaded.");
        command.SetAction((result, ct) => AdminCommands.ReadAsync(async (services, ct2) =>
        {
            foreach (var key in await services.GetRequiredService<ProviderKeyRing>().ListAsync(ct2))
            {
                var state = key.Current ? "current" : $"retired {Time(key.RetiredAt!.Value)}, loaded until {Time(key.LoadedUntil!.Value)}";
                Console.WriteLine($"{key.Id}\t{key.Use.ToString().ToLowerInvariant()}\tcreated {Time(key.CreatedAt)}\t{state}");
            }
        }, ct));
        return command;
    }

    private static Command Rotate()
    {
        var use = new Option<string>("--use") { Description = "signing, encryption or both (default both).", DefaultValueFactory = _ => "both" };
        var command = new Command("rotate", "Make new current keys; the old ones stay published and readable until their tokens have expired.") { use };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var which = result.GetValue(use)!.ToLowerInvariant() switch
            {
                "both" => Enum.GetValues<ProviderKeyUse>(),
                "signing" => [ProviderKeyUse.Signing],
                "encryption" => [ProviderKeyUse.Encryption],
                var other => throw new CommandRefusedException($"'{other}' is not a key use: signing, encryption or both."),
            };
            var ring = services.GetRequiredService<ProviderKeyRing>();
            foreach (var keyUse in which)
            {
                var created = await ring.RotateAsync(keyUse, ct2);
                await services.GetRequiredService<AuditTrail>().RecordAsync(services.GetRequiredService<AuditActors>().Current,
                    new AuditRecord("oidc_key.rotated", "oidc_key", created.Id, null, null, new { use = keyUse.ToString(), created.Id }), ct2);
                Console.WriteLine($"{created.Id}\t{keyUse.ToString().ToLowerInvariant()}\tcurrent from now (every node within Signpost:OpenIdProvider:KeyRefreshSeconds)");
            }
        }, ct));
        return command;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
