using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Email;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.Recovery;
using Signpost.Core.Tokens;
using Signpost.Web.Infrastructure;
using Signpost.Web.Platform;
using Signpost.Web.Setup;
using Signpost.Web.Support;

namespace Signpost.Web.Cli;

/// <summary>The administrative commands. Each runs against the configured database and exits.</summary>
public static class AdminCommands
{
    public static Command Migrate()
    {
        var command = new Command("migrate", "Create or upgrade the database schema.");
        command.SetAction((_, ct) => RunAsync(async (services, ct2) =>
        {
            Console.WriteLine("Database is up to date.");
            await Task.CompletedTask;
        }, DatabaseUse.Migrate, ct));
        return command;
    }

    public static Command Organizations()
    {
        var slug = new Option<string>("--slug") { Description = "Short name used in the sign-in address /o/{slug}.", Required = true };
        var name = new Option<string>("--name") { Description = "The practice's name.", Required = true };
        var tin = new Option<string?>("--tin") { Description = "Tax ID, nine digits." };
        var timeZone = new Option<string?>("--time-zone") { Description = "IANA time zone, e.g. America/Chicago." };
        var create = new Command("create", "Create an organization (a practice or facility).") { slug, name, tin, timeZone };
        create.SetAction((result, ct) => RunAsync(async (services, ct2) =>
        {
            var organization = await services.GetRequiredService<PlatformProvisioning>().CreateOrganizationAsync(
                result.GetValue(slug)!, result.GetValue(name)!, result.GetValue(tin), result.GetValue(timeZone), ct2).OrRefuse();
            var baseUrl = services.GetRequiredService<IOptions<SignpostOptions>>().Value.PublicBaseUrl.TrimEnd('/');
            Console.WriteLine($"Created {organization.Name}: sign-in page {baseUrl}/o/{organization.Slug}");
        }, ct));

        return new Command("orgs", "Manage organizations.") { create, Policy(), Networks() };
    }

    private static Command Policy()
    {
        var slug = new Option<string>("--slug") { Description = "The organization.", Required = true };
        var threshold = new Option<int?>("--lockout-threshold") { Description = "Failures that lock (1–100)." };
        var window = new Option<int?>("--lockout-window") { Description = "Minutes in which failures count." };
        var duration = new Option<int?>("--lockout-duration") { Description = "Minutes a lock lasts." };
        var expiry = new Option<int?>("--password-expiry-days") { Description = "Days until a password expires; 0 turns expiry off (the default)." };
        var history = new Option<int?>("--password-history") { Description = "Earlier passwords a new one may not repeat (0–24; 0, the default, turns the history off)." };
        var idle = new Option<int?>("--session-idle") { Description = "Minutes without activity before a session ends." };
        var absolute = new Option<int?>("--session-absolute") { Description = "Hours after which any session ends." };
        var browser = new Option<string?>("--browser-policy") { Description = "warn or block for browsers outside the matrix." };
        var restrict = new Option<bool?>("--restrict-networks") { Description = "true: sign in only from allowed network ranges." };
        var mfa = new Option<string?>("--mfa") { Description = "Who must use a second factor: off, optional, admins or everyone (docs/mfa.md)." };
        var mfaGrace = new Option<int?>("--mfa-grace-days") { Description = "Days someone without a required second factor is led to enrol before being refused (0–90)." };
        var remember = new Option<int?>("--remember-browser-days") { Description = "Days a browser may skip the second factor after a code (0 turns it off; 0–90)." };
        var command = new Command("policy", "Show or change an organization's policy.") { slug, threshold, window, duration, expiry, history, idle, absolute, browser, restrict, mfa, mfaGrace, remember };
        command.SetAction((result, ct) => RunAsync(async (services, ct2) =>
        {
            var browserValue = result.GetValue(browser);
            BrowserPolicy? browserPolicy = browserValue is null ? null
                : Enum.TryParse<BrowserPolicy>(browserValue, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
                : throw new CommandRefusedException($"'{browserValue}' is not a browser policy: use warn or block.");
            var mfaValue = result.GetValue(mfa);
            var secondFactor = mfaValue is null ? (SecondFactorPolicy?)null
                : Core.Mfa.SecondFactorRules.Parse(mfaValue) ?? throw new CommandRefusedException($"'{mfaValue}' is not a second-factor policy: use off, optional, admins or everyone.");
            var policy = await services.GetRequiredService<PlatformProvisioning>().UpdatePolicyAsync(result.GetValue(slug)!, p =>
            {
                p.LockoutThreshold = result.GetValue(threshold) ?? p.LockoutThreshold;
                p.LockoutWindowMinutes = result.GetValue(window) ?? p.LockoutWindowMinutes;
                p.LockoutDurationMinutes = result.GetValue(duration) ?? p.LockoutDurationMinutes;
                if (result.GetValue(expiry) is { } days)
                {
                    p.PasswordExpiryDays = days == 0 ? null : days;
                }

                p.PasswordHistoryCount = result.GetValue(history) ?? p.PasswordHistoryCount;
                p.SessionIdleMinutes = result.GetValue(idle) ?? p.SessionIdleMinutes;
                p.SessionAbsoluteHours = result.GetValue(absolute) ?? p.SessionAbsoluteHours;
                p.BrowserPolicy = browserPolicy ?? p.BrowserPolicy;
                p.RestrictToAllowedNetworks = result.GetValue(restrict) ?? p.RestrictToAllowedNetworks;
                p.SecondFactor = secondFactor ?? p.SecondFactor;
                p.SecondFactorGraceDays = result.GetValue(mfaGrace) ?? p.SecondFactorGraceDays;
                p.RememberBrowserDays = result.GetValue(remember) ?? p.RememberBrowserDays;
            }, ct2).OrRefuse();
            Console.WriteLine($"lockout: {policy.LockoutThreshold} failures in {policy.LockoutWindowMinutes} min lock for {policy.LockoutDurationMinutes} min");
            Console.WriteLine($"password expiry: {(policy.PasswordExpiryDays is { } d ? $"{d} days" : "off")}; history: {(policy.PasswordHistoryCount > 0 ? $"last {policy.PasswordHistoryCount}" : "off")}");
            Console.WriteLine($"sessions: idle {policy.SessionIdleMinutes} min, absolute {policy.SessionAbsoluteHours} h");
            Console.WriteLine($"browsers: {policy.BrowserPolicy.ToString().ToLowerInvariant()}; networks restricted: {(policy.RestrictToAllowedNetworks ? "yes" : "no")}");
            Console.WriteLine($"second factor: {Core.Mfa.SecondFactorRules.Describe(policy.SecondFactor)}; grace {policy.SecondFactorGraceDays} days; remember browsers {(policy.RememberBrowserDays > 0 ? $"{policy.RememberBrowserDays} days" : "off")}");
        }, ct));
        return command;
    }

    private static Command Networks()
    {
        var slug = new Option<string>("--slug") { Description = "The organization.", Required = true };
        var cidr = new Option<string>("--cidr") { Description = "The range, e.g. 203.0.113.0/24.", Required = true };
        var label = new Option<string>("--label") { Description = "What people call it: LAN, VPN egress, ...", Required = true };
        var blocked = new Option<bool>("--blocked") { Description = "Label the range but keep it off the allow-list." };
        var add = new Command("add", "Declare a network range with a label.") { slug, cidr, label, blocked };
        add.SetAction((result, ct) => RunAsync(async (services, ct2) =>
        {
            var range = await services.GetRequiredService<PlatformProvisioning>().AddNetworkRangeAsync(
                result.GetValue(slug)!, result.GetValue(cidr)!, result.GetValue(label)!, !result.GetValue(blocked), ct2).OrRefuse();
            Console.WriteLine($"{range.Cidr} \"{range.Label}\" {(range.Allowed ? "allowed" : "not allowed")} when the network restriction is on.");
        }, ct));
        return new Command("network", "Declare an organization's network ranges.") { add };
    }

    public static Command Users()
    {
        var org = new Option<string>("--org") { Description = "Slug of the organization to join.", Required = true };
        var username = new Option<string>("--username") { Description = "Username (the provider ID).", Required = true };
        var email = new Option<string>("--email") { Description = "Email address.", Required = true };
        var displayName = new Option<string?>("--name") { Description = "Display name." };
        var npi = new Option<string?>("--npi") { Description = "Individual NPI (ten digits, check digit verified)." };
        var role = new Option<string?>("--role") { Description = "PracticeAdmin, Staff or Provider; comma-separated (default Staff)." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input; without it an activation link is printed." };
        var sendActivation = new Option<bool>("--send-activation") { Description = "Email the activation link to the user instead of printing it." };
        var create = new Command("create", "Create a user in an organization.") { org, username, email, displayName, npi, role, passwordStdin, sendActivation };
        create.SetAction((result, ct) => RunAsync(async (services, ct2) =>
        {
            string? password = null;
            if (result.GetValue(passwordStdin))
            {
                password = (await Console.In.ReadLineAsync(ct2))?.TrimEnd('\r', '\n');
                if (string.IsNullOrEmpty(password))
                {
                    throw new CommandRefusedException("--password-stdin was given but standard input held no password.");
                }
            }

            var account = await services.GetRequiredService<PlatformProvisioning>().CreateAccountAsync(
                result.GetValue(org), result.GetValue(username)!, result.GetValue(email)!, result.GetValue(displayName) ?? result.GetValue(username)!,
                result.GetValue(npi), SignpostCli.ParseRoles(result.GetValue(role)), PlatformRoles.None, password, ct2).OrRefuse();
            if (password is not null)
            {
                Console.WriteLine($"Created {account.Username} (active).");
                return;
            }

            if (result.GetValue(sendActivation))
            {
                var sent = await services.GetRequiredService<SupportAccountActions>().SendLinkAsync(account, "An operator (command line)", TraceIds.New(), ct2).OrRefuse();
                Console.WriteLine($"Created {account.Username} (pending activation). Activation link emailed to {account.Email}, valid until {sent.ExpiresAt:yyyy-MM-dd HH:mm} UTC.");
                return;
            }

            var token = await services.GetRequiredService<ActivationService>().IssueAsync(account.Id, ActivationService.DefaultLifetime, ct2);
            Console.WriteLine($"Created {account.Username} (pending activation). One-time activation link, valid 7 days:");
            Console.WriteLine($"  {services.GetRequiredService<Bootstrap>().Link(token)}");
        }, ct));

        var who = new Argument<string>("identifier") { Description = "Username, email or NPI." };
        var unlock = new Command("unlock", "Clear every lock and failure count of an account.") { who };
        unlock.SetAction((result, ct) => RunAsync(async (services, ct2) =>
        {
            var account = await services.GetRequiredService<PlatformProvisioning>().FindAccountAsync(result.GetValue(who)!, ct2)
                ?? throw new CommandRefusedException($"No account has the identifier '{result.GetValue(who)}'.");
            var locked = await services.GetRequiredService<SupportAccountActions>().UnlockAsync(account, ct2);
            Console.WriteLine(locked > 0 ? $"Unlocked {account.Username} ({locked} lock(s) cleared)." : $"{account.Username} was not locked; failure counts cleared.");
        }, ct));

        var target = new Argument<string>("identifier") { Description = "Username, email or NPI." };
        var sendReset = new Command("send-reset", "Email a password reset link (an activation link to a pending account) to the account's own address.") { target };
        sendReset.SetAction((result, ct) => RunAsync(async (services, ct2) =>
        {
            var account = await services.GetRequiredService<PlatformProvisioning>().FindAccountAsync(result.GetValue(target)!, ct2)
                ?? throw new CommandRefusedException($"No account has the identifier '{result.GetValue(target)}'.");
            var sent = await services.GetRequiredService<SupportAccountActions>().SendLinkAsync(account, "An operator (command line)", TraceIds.New(), ct2).OrRefuse();
            Console.WriteLine($"Emailed a {sent.Kind} link to {account.Email}, valid until {sent.ExpiresAt:yyyy-MM-dd HH:mm} UTC.");
        }, ct));

        return new Command("users", "Manage user accounts.") { create, unlock, sendReset, Hold(held: true), Hold(held: false) };
    }

    /// <summary><c>signpost users hold|release IDENTIFIER --reason TEXT</c>: a hold for review, as the support console sets it (docs/support-console.md).</summary>
    private static Command Hold(bool held)
    {
        var who = new Argument<string>("identifier") { Description = "Username, email or NPI." };
        var reason = new Option<string>("--reason") { Description = "Why, for the next agent (1–500 characters); audited and shown in diagnoses.", Required = true };
        var command = held
            ? new Command("hold", "Hold an account for review: sign-in refused (account_flagged), sessions ended; password reset still works.") { who, reason }
            : new Command("release", "Release an account's hold for review.") { who, reason };
        command.SetAction((result, ct) => RunAsync(async (services, ct2) =>
        {
            var account = await services.GetRequiredService<PlatformProvisioning>().FindAccountAsync(result.GetValue(who)!, ct2)
                ?? throw new CommandRefusedException($"No account has the identifier '{result.GetValue(who)}'.");
            var holds = services.GetRequiredService<AccountHolds>();
            var done = held ? await holds.HoldAsync(account.Id, result.GetValue(reason), ct2) : await holds.ReleaseAsync(account.Id, result.GetValue(reason), ct2);
            if (done.Outcome != HoldOutcome.Done)
            {
                throw new CommandRefusedException(done.Problem!);
            }

            Console.WriteLine(held
                ? $"Held {account.Username} for review ({done.SessionsEnded} session(s) ended). Sign-in is refused until released; password reset still works."
                : $"Released {account.Username}: sign-in works again.");
        }, ct));
        return command;
    }

    public static Command Events()
    {
        var traceId = new Argument<string>("trace-id") { Description = "The trace ID shown on the failure page." };
        var json = new Option<bool>("--json") { Description = "Print the raw event as JSON." };
        var show = new Command("show", "Show the sign-in event behind a trace ID, with its exact reason.") { traceId, json };
        show.SetAction((result, ct) => ReadAsync(async (services, ct2) =>
        {
            var id = result.GetValue(traceId)!.Trim().ToLowerInvariant();
            if (!TraceIds.IsWellFormed(id))
            {
                throw new CommandRefusedException("A trace ID is 32 hexadecimal characters, as shown on the failure page.");
            }

            var found = await services.GetRequiredService<ISignInEventStore>().FindByTraceIdAsync(id, ct2)
                ?? throw new CommandRefusedException($"No sign-in event has trace ID {id}.");
            if (result.GetValue(json))
            {
                Console.WriteLine(ToJson(found));
                return;
            }

            var reason = ReasonCatalogue.Get(found.ReasonCode);
            Console.WriteLine($"{found.OccurredAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC  {found.Method}  {(found.Succeeded ? "succeeded" : "failed")}");
            Console.WriteLine($"reason:      {reason.Code} — {reason.Title}");
            Console.WriteLine($"user saw:    {found.ShownReasonCode}");
            Console.WriteLine($"detail:      {found.Detail}");
            Console.WriteLine($"identifier:  {found.Identifier} ({found.IdentifierKind})  account: {found.AccountId?.ToString() ?? "none"}");
            Console.WriteLine($"client:      {found.ClientIp}  {found.Browser} {found.BrowserVersion} on {found.OperatingSystem}  supported: {found.BrowserSupported}");
            Console.WriteLine($"network:     {found.NetworkLabel}  cookies: {found.CookiesWorking}  javascript: {found.JavaScriptWorking}  trusted device: {found.TrustedDeviceValid}");
            Console.WriteLine($"cause:       {reason.ProbableCause}");
            Console.WriteLine($"action:      {reason.ImmediateAction}");
            Console.WriteLine($"escalate:    {reason.Escalation}");
        }, ct));

        return new Command("events", "Read sign-in events.") { show };
    }

    public static Command Docs()
    {
        var output = new Option<string>("--output") { Description = "Where to write the reference.", DefaultValueFactory = _ => "docs/reason-codes.md" };
        var codes = new Command("reason-codes", "Write the reason-code reference generated from the catalogue.") { output };
        codes.SetAction(async (result, ct) =>
        {
            await File.WriteAllTextAsync(result.GetValue(output)!, ReasonCodeReference.Render(), ct);
            Console.WriteLine($"Wrote {result.GetValue(output)}.");
            return 0;
        });
        return new Command("docs", "Generate documentation.") { codes };
    }

    /// <summary>
    /// Builds the host without listening, migrates when migrations are pending (refusing a schema ahead of this
    /// build), runs the action; exit codes as
    /// <see cref="ExitCodes"/>.
    /// </summary>
    internal static Task<int> RunAsync(Func<IServiceProvider, CancellationToken, Task> action, CancellationToken cancellationToken) =>
        RunAsync(action, DatabaseUse.MigrateIfPending, cancellationToken);

    /// <summary>
    /// For a command that only reads: never migrates and never creates a database. A missing SQLite file, a schema
    /// with migrations pending (run <c>signpost migrate</c> first) or one ahead of this build is one line and exit code 3.
    /// </summary>
    internal static Task<int> ReadAsync(Func<IServiceProvider, CancellationToken, Task> action, CancellationToken cancellationToken) =>
        RunAsync(action, DatabaseUse.ReadOnly, cancellationToken);

    /// <summary>How a command meets the database before its action runs.</summary>
    internal enum DatabaseUse
    {
        /// <summary>Run the migrator whatever the history table says (<c>signpost migrate</c>), unless the schema is ahead of this build.</summary>
        Migrate,

        /// <summary>
        /// Create or upgrade the schema first when the history table says migrations are pending (commands that
        /// write); refuse a schema ahead of this build. Asking is a read; the migrator's own model check costs a second or more of CPU per command.
        /// </summary>
        MigrateIfPending,

        /// <summary>Require a current schema (not behind, not ahead), change nothing (commands that only read).</summary>
        ReadOnly,

        /// <summary>Leave it as it is: the action decides (restore, which needs an empty target).</summary>
        AsIs,
    }

    internal static async Task<int> RunAsync(Func<IServiceProvider, CancellationToken, Task> action, DatabaseUse use, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = SignpostHost.Build(SignpostCli.Arguments, serve: false);
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
        {
            // A setting the host cannot start with (an unknown database provider, say).
            await Console.Error.WriteLineAsync($"signpost: configuration: {ex.Message}");
            return ExitCodes.Usage;
        }

        // Disposed so the console logger flushes what the command logged before the process exits.
        await using (app)
        {
            try
            {
                // A schema ahead of this build is refused before anything else (docs/cli.md): this build cannot know
                // what the newer release changed, so neither its writes nor its reads can be trusted there.
                var problem = use switch
                {
                    DatabaseUse.Migrate or DatabaseUse.MigrateIfPending =>
                        await SignpostHost.MigrateUnlessAheadAsync(app.Services, always: use == DatabaseUse.Migrate, cancellationToken),
                    DatabaseUse.ReadOnly => await SchemaProblemAsync(app.Services, cancellationToken),
                    _ => null,
                };
                if (problem is not null)
                {
                    await Console.Error.WriteLineAsync($"signpost: {problem}");
                    return ExitCodes.Database;
                }

                await using var scope = app.Services.CreateAsyncScope();
                await action(scope.ServiceProvider, cancellationToken);
                return ExitCodes.Done;
            }
            catch (CommandRefusedException ex)
            {
                await Console.Error.WriteLineAsync($"signpost: {ex.Message}");
                return ExitCodes.Refused;
            }
            catch (OptionsValidationException ex)
            {
                await Console.Error.WriteLineAsync($"signpost: configuration: {ex.Message}");
                return ExitCodes.Usage;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or UnauthorizedAccessException or BackupToolException)
            {
                await Console.Error.WriteLineAsync($"signpost: the database could not be used: {ex.Message}");
                return ExitCodes.Database;
            }
        }
    }

    private static async Task<string?> SchemaProblemAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.SignpostDbContext>();
        return await scope.ServiceProvider.GetRequiredService<DatabaseSetup>().UnreadableBecauseAsync(db, cancellationToken);
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    internal static string ToJson(SignInEvent signInEvent) => JsonSerializer.Serialize(signInEvent, Indented);
}
