using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Signpost.Bench.Infrastructure;

namespace Signpost.Bench.Targets;

/// <summary>
/// The peer: the stock ASP.NET Core Identity web app, <c>dotnet new webapp --auth Individual</c> (SQLite),
/// generated and built in the bench's temporary folder, never in the repository. Two changes make the
/// comparison fair, and three bench endpoints make it measurable; nothing else of the template is touched:
/// <list type="bullet">
/// <item>the password hasher uses Signpost's parameters (PBKDF2-HMAC-SHA512, 210,000 iterations; the template's
/// default is 100,000), so both sides pay the same hash;</item>
/// <item>lockout is on at Signpost's default threshold (10 failures, 15 minutes), and accounts need no
/// confirmed email;</item>
/// <item><c>POST /bench/sign-in</c> calls <c>SignInManager.PasswordSignInAsync(…, lockoutOnFailure: true)</c>,
/// the call the template's login page makes, without the page's antiforgery round trip (Signpost is measured
/// on its JSON API, which has none either); <c>POST /bench/seed</c> creates users through <c>UserManager</c>;
/// <c>GET /bench/user</c> reads a user's failure count and lockout end.</item>
/// </list>
/// </summary>
internal static class PeerTarget
{
    private const string ServicesAnchor = "var app = builder.Build();";
    private const string RunAnchor = "app.Run();";

    private const string Services = """
        // --- Signpost bench: Signpost's hash parameters and lockout threshold (the template has 100,000 iterations, lockout off) ---
        builder.Services.Configure<IdentityOptions>(options =>
        {
            options.SignIn.RequireConfirmedAccount = false;
            options.Lockout.AllowedForNewUsers = true;
            options.Lockout.MaxFailedAccessAttempts = 10;
            options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
        });
        builder.Services.Configure<PasswordHasherOptions>(options =>
        {
            options.CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3;
            options.IterationCount = 210_000;
        });
        // --- end of Signpost bench ---


        """;

    private const string Endpoints = """
        // --- Signpost bench endpoints ---
        app.MapPost("/bench/seed", async (UserManager<IdentityUser> users, BenchSeed seed) =>
        {
            for (var i = 0; i < seed.Count; i++)
            {
                var email = $"{seed.Prefix}{i}@peer.example";
                var created = await users.CreateAsync(new IdentityUser { UserName = email, Email = email, EmailConfirmed = true }, seed.Password);
                if (!created.Succeeded)
                {
                    return Results.Problem(string.Join(" ", created.Errors.Select(e => e.Description)));
                }
            }

            return Results.Ok(seed.Count);
        });
        app.MapPost("/bench/sign-in", async (SignInManager<IdentityUser> signIn, BenchSignIn body) =>
        {
            var result = await signIn.PasswordSignInAsync(body.Email, body.Password, isPersistent: false, lockoutOnFailure: true);
            return result.Succeeded ? Results.Json("signed_in")
                : result.IsLockedOut ? Results.Json("locked_out", statusCode: 423)
                : Results.Json("failed", statusCode: 401);
        });
        app.MapGet("/bench/user", async (UserManager<IdentityUser> users, string email) =>
        {
            var user = await users.FindByEmailAsync(email);
            return user is null ? Results.NotFound()
                : Results.Json(new { user.AccessFailedCount, user.LockoutEnd, LockedOut = await users.IsLockedOutAsync(user) });
        });
        // --- end of Signpost bench endpoints ---


        """;

    private const string Records = """


        // --- Signpost bench ---
        record BenchSeed(string Prefix, int Count, string Password);
        record BenchSignIn(string Email, string Password);
        """;

    /// <summary>Generates and builds the peer once per SDK and patch (cached under the work folder); returns its dll.</summary>
    public static async Task<string> EnsureBuiltAsync(BenchSettings settings, Ui ui, CancellationToken cancellationToken)
    {
        var sdk = (await Commands.RunAsync("dotnet", ["--version"], settings.WorkRoot, cancellationToken: cancellationToken)).Output.Trim();
        var stamp = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sdk + Services + Endpoints + Records)))[..16];
        var folder = Path.Combine(settings.WorkRoot, "peer");
        var dll = Path.Combine(folder, "bin", "Release", "net10.0", "PeerApp.dll");
        var stampFile = Path.Combine(folder, "bench.stamp");
        if (File.Exists(dll) && File.Exists(stampFile) && await File.ReadAllTextAsync(stampFile, cancellationToken) == stamp)
        {
            return dll;
        }

        using var phase = ui.Start("peer: dotnet new webapp --auth Individual, build");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        phase.Update(0.1, "dotnet new (restores from the NuGet mirror)");
        (await Commands.RunAsync("dotnet", ["new", "webapp", "--auth", "Individual", "--no-https", "--name", "PeerApp", "--output", folder], folder,
            cancellationToken: cancellationToken)).EnsureSuccess("dotnet new webapp --auth Individual");

        var program = Path.Combine(folder, "Program.cs");
        var text = await File.ReadAllTextAsync(program, cancellationToken);
        if (!text.Contains(ServicesAnchor, StringComparison.Ordinal) || !text.Contains(RunAnchor, StringComparison.Ordinal)
            || !text.Contains("AddDefaultIdentity<IdentityUser>", StringComparison.Ordinal))
        {
            throw new BenchException($"The webapp template changed ({program} lacks '{ServicesAnchor}', '{RunAnchor}' or AddDefaultIdentity): update bench/Signpost.Bench/Targets/PeerTarget.cs.");
        }

        text = text.Replace(ServicesAnchor, Services + ServicesAnchor, StringComparison.Ordinal)
            .Replace(RunAnchor, Endpoints + RunAnchor, StringComparison.Ordinal) + Records;
        await File.WriteAllTextAsync(program, text, cancellationToken);

        phase.Update(0.5, "dotnet build -c Release");
        (await Commands.RunAsync("dotnet", ["build", "-c", "Release", "-nologo", "-clp:ErrorsOnly"], folder, cancellationToken: cancellationToken))
            .EnsureSuccess("dotnet build of the peer");
        await File.WriteAllTextAsync(stampFile, stamp, cancellationToken);
        phase.Done("built");
        return dll;
    }

    /// <summary>
    /// The same peer published ReadyToRun (framework-dependent, this machine's platform), as Signpost ships: for the
    /// like-for-like cold start beside the stock build. Made once per build of the peer; returns its dll.
    /// </summary>
    public static async Task<string> EnsureReadyToRunAsync(BenchSettings settings, Ui ui, string peerDll, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(settings.WorkRoot, "peer");
        var output = Path.Combine(folder, "bin", "bench-readytorun");
        var dll = Path.Combine(output, "PeerApp.dll");
        var stamp = await File.ReadAllTextAsync(Path.Combine(folder, "bench.stamp"), cancellationToken);
        var stampFile = Path.Combine(output, "bench.stamp");
        if (File.Exists(dll) && File.Exists(stampFile) && await File.ReadAllTextAsync(stampFile, cancellationToken) == stamp)
        {
            return dll;
        }

        using var phase = ui.Start("peer: dotnet publish -p:PublishReadyToRun=true");
        var rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        (await Commands.RunAsync("dotnet", ["publish", "-c", "Release", "-r", rid, "--self-contained", "false", "-p:PublishReadyToRun=true",
            "-nologo", "-clp:ErrorsOnly", "-o", output], folder, cancellationToken: cancellationToken)).EnsureSuccess("dotnet publish of the peer (ReadyToRun)");
        if (!File.Exists(Path.Combine(output, "app.db")))
        {
            File.Copy(Path.Combine(Path.GetDirectoryName(peerDll)!, "app.db"), Path.Combine(output, "app.db"));
        }

        await File.WriteAllTextAsync(stampFile, stamp, cancellationToken);
        phase.Done("published");
        return dll;
    }

    /// <summary>Starts the peer on a fresh copy of the template's migrated app.db.</summary>
    public static Task<ServerProcess> StartAsync(BenchSettings settings, string dll, CancellationToken cancellationToken, string name = "peer")
    {
        var folder = settings.NewFolder(name + "-run");
        var database = Path.Combine(folder, "app.db");
        File.Copy(Path.Combine(Path.GetDirectoryName(dll)!, "app.db"), database);
        var port = ServerProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__DefaultConnection"] = $"DataSource={database};Cache=Shared",
            ["Logging__LogLevel__Default"] = "Warning",
        };

        // Started from its output folder so its content root (appsettings.json, static assets) is its own.
        var spec = new ServerSpec(name, dll, Path.GetDirectoryName(dll)!, ["--urls", $"http://127.0.0.1:{port}"], environment, "/Identity/Account/Login", port);
        return ServerProcess.StartAsync(spec with { WorkingDirectory = Path.GetDirectoryName(dll)! }, cancellationToken);
    }

    public static async Task SeedAsync(HttpClient client, string prefix, int count, CancellationToken cancellationToken)
    {
        var answer = await Http.PostJsonAsync(client, "/bench/seed", new { prefix, count, password = BenchSettings.Password }, null, cancellationToken);
        if (answer.Status != 200)
        {
            throw new BenchException($"Seeding the peer answered {answer.Status}.");
        }
    }

    public static string Email(string prefix, int index) => $"{prefix}{index}@peer.example";

    public static Task<Answer> SignInAsync(HttpClient client, string email, string password, CancellationToken cancellationToken) =>
        Http.PostJsonAsync(client, "/bench/sign-in", new { email, password }, null, cancellationToken);

    public sealed record UserState(int AccessFailedCount, DateTimeOffset? LockoutEnd, bool LockedOut);

    public static async Task<UserState> UserAsync(HttpClient client, string email, CancellationToken cancellationToken)
    {
        var json = await client.GetStringAsync($"/bench/user?email={Uri.EscapeDataString(email)}", cancellationToken);
        return JsonSerializer.Deserialize<UserState>(json, JsonSerializerOptions.Web) ?? throw new BenchException("The peer did not describe its user.");
    }
}
