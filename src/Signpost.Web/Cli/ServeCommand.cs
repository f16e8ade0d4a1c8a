using Signpost.Web.Infrastructure;
using Signpost.Web.Setup;

namespace Signpost.Web.Cli;

/// <summary><c>signpost serve [--urls URL] [--demo]</c>: check the schema (SQLite: migrate it), bootstrap, listen.</summary>
public static class ServeCommand
{
    public const string DefaultUrls = "http://localhost:5080";

    public static async Task<int> RunAsync(string? urls, bool demo, string[] configurationArgs, CancellationToken cancellationToken)
    {
        StartupTrace.Mark("serve: command line read");
        var args = new List<string>(configurationArgs);
        if (urls is not null)
        {
            args.Add($"--urls={urls}");
        }
        else if (Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null && !configurationArgs.Any(a => a.StartsWith("--urls", StringComparison.OrdinalIgnoreCase)))
        {
            args.Add($"--urls={DefaultUrls}");
        }

        // The demo is for exploring: its emails can be read at /dev/mail (from this machine only).
        if (demo && Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is null
            && !configurationArgs.Any(a => a.StartsWith("--environment", StringComparison.OrdinalIgnoreCase)))
        {
            args.Add("--environment=Development");
        }

        WebApplication app;
        try
        {
            app = SignpostHost.Build([.. args], demo);
            StartupTrace.Mark("host built");
        }
        catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException or InvalidOperationException)
        {
            // Broken configuration found while the host is built (a missing key-ring certificate, an unknown
            // database provider): one line, no stack trace.
            await Console.Error.WriteLineAsync($"signpost: configuration: {ex.Message}");
            return ExitCodes.Usage;
        }

        // The demo's accounts share a published password: acceptable only on loopback and on a database
        // that holds nothing else (README, docs/deployment.md). Checked before anything is migrated or seeded.
        if (demo && DemoMode.NonLoopbackAddress(app.Configuration) is { } address)
        {
            await Console.Error.WriteLineAsync($"signpost --demo listens on loopback only (localhost, 127.0.0.1, [::1]); refusing {address}.");
            return ExitCodes.Refused;
        }

        if (demo)
        {
            await using var check = app.Services.CreateAsyncScope();
            if (await check.ServiceProvider.GetRequiredService<Bootstrap>().NonDemoDataAsync(cancellationToken) is { } other)
            {
                await Console.Error.WriteLineAsync($"signpost --demo runs only on a database of its own; this one holds {other}. Point ConnectionStrings:Signpost at a new file.");
                return ExitCodes.Refused;
            }
        }

        try
        {
            // Nothing listens until the schema is current. Only pending migrations are looked for (cheap);
            // SQLite migrates itself, a PostgreSQL node behind `signpost migrate` refuses (docs/deployment.md, "Upgrades").
            if (await SignpostHost.PrepareToServeAsync(app.Services, cancellationToken) is { } behind)
            {
                await Console.Error.WriteLineAsync($"signpost: {behind}");
                return ExitCodes.Database;
            }

            StartupTrace.Mark("schema checked");
        }
        catch (System.Data.Common.DbException ex)
        {
            // A node that cannot reach its database says so and stops.
            await Console.Error.WriteLineAsync($"signpost: the database could not be used: {ex.Message}");
            return ExitCodes.Database;
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var bootstrap = scope.ServiceProvider.GetRequiredService<Bootstrap>();
            if (demo)
            {
                IReadOnlyList<(string Username, string State, string HowTo)> rows;
                try
                {
                    rows = await bootstrap.SeedDemoAsync(cancellationToken);
                }
                catch (CommandRefusedException ex)
                {
                    // A database whose data clashes with the demo's (its NPI or an email already taken): one line, not a trace.
                    await Console.Error.WriteLineAsync($"signpost: the demo cannot be seeded into this database: {ex.Message} Use --demo on a new database.");
                    return ExitCodes.Refused;
                }

                Console.WriteLine();
                Console.WriteLine($"Demo practice \"Riverside Family Practice\" — sign in at {(urls ?? DefaultUrls).Split(';')[0]}/o/{Bootstrap.DemoSlug}");
                foreach (var (username, state, howTo) in rows)
                {
                    Console.WriteLine($"  {username,-14} {state,-24} {howTo}");
                }

                // The sample portal (samples/Portal) as a client, registered once; a restart leaves it as it is.
                await bootstrap.SeedDemoPortalAsync(cancellationToken);
                Console.WriteLine($"  (the sample portal, client \"{Bootstrap.DemoPortalClientId}\": `dotnet run --project samples/Portal`, then open {Bootstrap.DemoPortalOrigin})");

                // Four weeks of made-up attempts, so the analytics, support console and troubleshooter have something to show.
                var history = ActivatorUtilities.CreateInstance<Analytics.DemoHistory>(scope.ServiceProvider);
                if (await history.SeedAsync(Bootstrap.DemoSlug, cancellationToken) is > 0 and var written)
                {
                    Console.WriteLine($"  (and {written} made-up sign-in attempts over the last four weeks, for /platform/analytics and /admin/{Bootstrap.DemoSlug}/analytics)");
                }

                Console.WriteLine();
            }

            // Printed to the operator's console, never logged: the link is a credential.
            if (await bootstrap.EnsurePlatformAdminAsync(cancellationToken) is { } link)
            {
                Console.WriteLine("No platform administrator has a password yet. Set one with this one-time link (valid 24 hours):");
                Console.WriteLine($"  {link}");
                Console.WriteLine();
            }
        }

        StartupTrace.Mark("bootstrap checked");
        if (StartupTrace.Enabled)
        {
            app.Lifetime.ApplicationStarted.Register(() => StartupTrace.Mark("listening (hosted services started)"));
        }

        await app.RunAsync(cancellationToken);
        return 0;
    }
}
