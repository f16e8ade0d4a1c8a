using Microsoft.Extensions.Options;
using Signpost.Web.Infrastructure;
using Signpost.Web.Setup;

namespace Signpost.Web.Cli;

/// <summary><c>signpost serve [--urls URL] [--demo]</c>: check the schema (SQLite: migrate it), listen, and beside that the first-run check.</summary>
public static partial class ServeCommand
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

        // Outside the demo the schema check (and, once it passed, the key ring's first load) starts as soon as the
        // services exist and runs beside the mapping of the pipeline and the pages: on two cores the two halves of
        // the start overlap instead of queueing (docs/cli.md, "What a start costs"). Nothing listens before both end.
        // The demo checks its database before anything is migrated, so it keeps them one after the other.
        Task<string?>? schema = null;
        WebApplication app;
        try
        {
            app = SignpostHost.Build([.. args], demo, servicesBuilt: demo ? null : built => schema = Task.Run(() => PrepareAndWarmAsync(built.Services, cancellationToken), cancellationToken));
            StartupTrace.Mark("host built");
            if (demo)
            {
                ValidateSettings(app.Services);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException || IsSettingsRefusal(ex))
        {
            // Broken configuration found while the host is built (a missing key-ring certificate, an unknown
            // database provider), or for the demo by the settings' validation: one line each, no stack trace. A
            // schema check already under way ends first.
            await EndQuietlyAsync(schema);
            return await RefuseSettingsAsync(ex);
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
            if (await (schema ?? SignpostHost.PrepareToServeAsync(app.Services, cancellationToken)) is { } behind)
            {
                await Console.Error.WriteLineAsync($"signpost: {behind}");
                return ExitCodes.Database;
            }

            StartupTrace.Mark("schema checked");
        }
        catch (Exception ex) when (IsSettingsRefusal(ex))
        {
            // Settings the schema check's first step refused (below): nothing was migrated, nothing listens.
            return await RefuseSettingsAsync(ex);
        }
        catch (System.Data.Common.DbException ex)
        {
            // A node that cannot reach its database says so and stops.
            await Console.Error.WriteLineAsync($"signpost: the database could not be used: {ex.Message}");
            return ExitCodes.Database;
        }

        if (demo)
        {
            // The demo's table (accounts, links, the sample portal) is printed before the node listens, as the demo's README shows.
            await using var scope = app.Services.CreateAsyncScope();
            var bootstrap = scope.ServiceProvider.GetRequiredService<Bootstrap>();
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

            // The demo's own first-run link is printed with its table, before it listens (the browser tests read it then).
            if (await FirstRunAsync(app, cancellationToken) is { } failedFirstRun)
            {
                return failedFirstRun;
            }
        }

        if (StartupTrace.Enabled)
        {
            app.Lifetime.ApplicationStarted.Register(() => StartupTrace.Mark("listening (hosted services started)"));
        }

        // Elsewhere the first-run check runs beside Kestrel's start instead of before it: on a restart it only reads (is a
        // platform admin active?), and as the first EF Core query of the process it cost half a second before
        // the node could listen. Answering before it ends is safe: it only ever adds a pending `admin` without a
        // password and a one-time link, and no endpoint treats "no platform admin yet" as a way in
        // (docs/cli.md, "What a start costs").
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
        var firstRun = demo ? Task.FromResult<int?>(null) : FirstRunAsync(app, stopping.Token);
        int? failed;
        try
        {
            await app.StartAsync(cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
        }
        finally
        {
            // The check's scope uses the host's services: it ends before they are disposed.
            await stopping.CancelAsync();
            failed = await firstRun;
            await app.DisposeAsync();
        }

        return failed ?? ExitCodes.Done;
    }

    /// <summary>
    /// The settings' validation (<see cref="ValidateSettings"/>), the schema step, then the key ring's first load (read from the database, a key made on a first start), which
    /// the data-protection host service would otherwise do once the mapping is over: every page's anti-forgery token
    /// needs it. A load that fails here is left to that service, which fails the start with its own message.
    /// </summary>
    private static async Task<string?> PrepareAndWarmAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ValidateSettings(services);
        if (await SignpostHost.PrepareToServeAsync(services, cancellationToken) is { } behind)
        {
            return behind;
        }

        StartupTrace.Mark("schema checked (beside the mapping)");
        try
        {
            services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>().CreateProtector("Signpost.Start").Protect([0]);
            StartupTrace.Mark("key ring loaded");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Left to the host service's own load at start.
        }

        return null;
    }

    /// <summary>
    /// Validates every options class (all are registered with <c>ValidateOnStart</c>) before the database is touched. Left
    /// to the host's start, a refusal was logged as a failure with its stack trace and ended the process with .NET's
    /// unhandled-exception report (exit 134); asked here it is one line and exit 2 (docs/cli.md, exit codes). The
    /// host's own check at start then finds the values made.
    /// </summary>
    private static void ValidateSettings(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (InvalidOperationException ex)
        {
            // A value that does not bind at all ("Sometimes" for an enum): the binder's sentence names the setting.
            throw new OptionsValidationException(Options.DefaultName, typeof(object), [ex.Message]);
        }
    }

    /// <summary>A refusal of the settings' validation: one setting's, or several at once.</summary>
    private static bool IsSettingsRefusal(Exception ex) =>
        ex is OptionsValidationException || (ex is AggregateException all && all.InnerExceptions.All(e => e is OptionsValidationException));

    /// <summary>One line for each refused setting (or build-time configuration error), then exit 2.</summary>
    private static async Task<int> RefuseSettingsAsync(Exception ex)
    {
        var failures = (ex is AggregateException many ? many.InnerExceptions : [ex])
            .SelectMany(e => e is OptionsValidationException refused ? refused.Failures : [e.Message]);
        foreach (var failure in failures)
        {
            await Console.Error.WriteLineAsync($"signpost: configuration: {Sentence(failure)}");
        }

        return ExitCodes.Usage;
    }

    /// <summary>
    /// The sentence of a data-annotation failure without .NET's wrapper ("DataAnnotation validation failed for
    /// 'SignpostOptions' members: 'SupportEmail' with the error: '…'."): Signpost's own messages name the setting.
    /// </summary>
    private static string Sentence(string failure) =>
        DataAnnotationFailure().Match(failure) is { Success: true } match ? match.Groups["error"].Value : failure;

    [System.Text.RegularExpressions.GeneratedRegex("^DataAnnotation validation failed for '[^']*' members: '[^']*' with the error: '(?<error>.*)'\\.$", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex DataAnnotationFailure();

    /// <summary>Waits for a schema check that is no longer wanted (the start failed beside it), whatever its end.</summary>
    private static async Task EndQuietlyAsync(Task<string?>? schema)
    {
        if (schema is not null)
        {
            try
            {
                await schema;
            }
            catch (Exception)
            {
                // The start already failed for a reason of its own, which is the one reported.
            }
        }
    }

    /// <summary>
    /// Prints the first platform admin's one-time activation link while none is active (a new database, or an
    /// operator who lost the console output). Null when done; an exit code when the database failed it, after
    /// saying so in one line and stopping the node.
    /// </summary>
    private static async Task<int?> FirstRunAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await using var scope = app.Services.CreateAsyncScope();

            // Printed to the operator's console, never logged: the link is a credential.
            if (await scope.ServiceProvider.GetRequiredService<Bootstrap>().EnsurePlatformAdminAsync(cancellationToken) is { } link)
            {
                Console.WriteLine($"No platform administrator has a password yet. Set one with this one-time link (valid 24 hours):{Environment.NewLine}  {link}{Environment.NewLine}");
            }

            StartupTrace.Mark("bootstrap checked");
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped before the check ended: the next start checks again.
            return null;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync(ex is System.Data.Common.DbException
                ? $"signpost: the database could not be used: {ex.Message}"
                : $"signpost: the first-run check failed: {ex}");
            app.Lifetime.StopApplication();
            return ExitCodes.Database;
        }
        finally
        {
            app.Services.GetService<FirstRunCheck>()?.End();
        }
    }
}
