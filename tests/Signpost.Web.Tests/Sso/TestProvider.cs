using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Signpost.Web.Tests.Sso;

/// <summary>
/// An OpenID Connect provider for a test, run by Node.js on 127.0.0.1 from tests/tools/oidc-provider:
/// <see cref="StartRealAsync"/> is npm's oidc-provider; <see cref="StartHostileAsync"/> is a provider that
/// mints whatever ID token the test asks for and breaks its own documents on demand (controlled over HTTP).
/// Each exits by itself when this process ends (its standard input closes).
/// </summary>
public sealed class TestProvider : IAsyncDisposable
{
    public const string ClientId = "signpost-test";
    public const string ClientSecret = "test-client-secret";

    /// <summary>
    /// The hostile provider's two keys that are never its own signing key (someone else's, and one rotated in),
    /// made once per test process instead of at every start: each provider still signs with a key of its own.
    /// </summary>
    private static readonly Lazy<(string Stranger, string Rotated)> SpareKeys = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("signpost-hostile-keys-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is not worth failing the run for.
            }
        };

        string Write(string name)
        {
            using var key = System.Security.Cryptography.RSA.Create(2048);
            var file = Path.Combine(folder, name);
            File.WriteAllText(file, key.ExportPkcs8PrivateKeyPem());
            return file;
        }

        return (Write("stranger.pem"), Write("rotated.pem"));
    });

    private readonly Process _process;

    private TestProvider(Process process, int port, TestTls? tls)
    {
        _process = process;
        Port = port;
        Tls = tls;
        Http = new HttpClient(Handler(tls)) { BaseAddress = new Uri(Issuer) };
    }

    public int Port { get; }

    /// <summary>The certificate the provider serves https with; null for plain http.</summary>
    public TestTls? Tls { get; }

    public string Issuer => $"{(Tls is null ? "http" : "https")}://127.0.0.1:{Port}";

    /// <summary>The test's own calls to a provider: over https they accept exactly the provider's test certificate (pinned), expired or not.</summary>
    public static HttpClientHandler Handler(TestTls? tls) => new()
    {
        AllowAutoRedirect = false,
        ServerCertificateCustomValidationCallback = tls is null ? null
            : (_, certificate, _, _) => certificate is not null && certificate.RawData.AsSpan().SequenceEqual(tls.Certificate.RawData),
    };

    public string DiscoveryUrl => Issuer + "/.well-known/openid-configuration";

    private HttpClient Http { get; }

    /// <summary>
    /// npm's oidc-provider with its defaults (OpenID Connect Core §5.4: the ID token carries only <c>sub</c>, the
    /// email, profile and NPI claims come from userinfo) and one client whose redirect URIs are <paramref name="redirectUris"/>.
    /// </summary>
    public static Task<TestProvider> StartRealAsync(params string[] redirectUris) =>
        StartAsync("provider.mjs", ["0", ClientId, ClientSecret, string.Join(',', redirectUris)]);

    /// <summary>oidc-provider that puts the scope claims in the ID token as well (<c>conformIdTokenClaims: false</c>).</summary>
    public static Task<TestProvider> StartRealWithClaimsInIdTokenAsync(params string[] redirectUris) =>
        StartAsync("provider.mjs", ["0", ClientId, ClientSecret, string.Join(',', redirectUris), "--claims-in-id-token"]);

    /// <summary>How often the hostile provider served its userinfo endpoint.</summary>
    public async Task<int> UserInfoCallsAsync()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync(new Uri("/_stats", UriKind.Relative)));
        return document.RootElement.GetProperty("userinfo").GetInt32();
    }

    /// <summary>The hostile provider; with <paramref name="certificateDays"/>, its signing key carries a certificate valid that many days.</summary>
    /// <remarks>With <paramref name="tls"/>, it serves https with that server certificate.</remarks>
    public static Task<TestProvider> StartHostileAsync(int? certificateDays = null, TestTls? tls = null) =>
        StartAsync("hostile.mjs",
            [
                "0",
                .. certificateDays is { } days ? ["--cert-days", days.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>(),
                .. tls is null ? Array.Empty<string>() : ["--tls", tls.CertificateFile, tls.KeyFile],
                "--spare-keys", SpareKeys.Value.Stranger, SpareKeys.Value.Rotated,
            ], tls);

    /// <summary>Sets the hostile provider's behaviour (see hostile.mjs for the names).</summary>
    public async Task SetAsync(params (string Name, string Value)[] settings)
    {
        var query = string.Join('&', settings.Select(s => $"{s.Name}={Uri.EscapeDataString(s.Value)}"));
        using var response = await Http.GetAsync(new Uri("/_control?" + query, UriKind.Relative));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>How often the hostile provider served discovery, keys, authorization and tokens.</summary>
    public async Task<(int Discovery, int Jwks, int Authorize, int Token)> StatsAsync()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync(new Uri("/_stats", UriKind.Relative)));
        var root = document.RootElement;
        return (root.GetProperty("discovery").GetInt32(), root.GetProperty("jwks").GetInt32(), root.GetProperty("authorize").GetInt32(), root.GetProperty("token").GetInt32());
    }

    /// <summary>A loopback port nothing listens on: a provider that is down.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<TestProvider> StartAsync(string script, string[] arguments, TestTls? tls = null)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = ToolFolder(),
        };
        start.ArgumentList.Add(Path.Combine(ToolFolder(), script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--exit-with-stdin");
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        // oidc-provider prints warnings about its development defaults; drain them so the pipe never fills.
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("listening ", StringComparison.Ordinal))
                {
                    _ = process.StandardOutput.ReadToEndAsync();
                    return new TestProvider(process, int.Parse(line["listening ".Length..], CultureInfo.InvariantCulture), tls);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        process.Kill(entireProcessTree: true);
        process.Dispose();
        throw new InvalidOperationException($"{script} did not start; run `npm ci --prefix tests/tools/oidc-provider` (scripts/test does).");
    }

    private static string ToolFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Signpost.slnx")))
        {
            dir = dir.Parent;
        }

        var tool = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Signpost.slnx not found above the test folder."), "tests", "tools", "oidc-provider");
        if (!Directory.Exists(Path.Combine(tool, "node_modules", "oidc-provider")))
        {
            throw new InvalidOperationException($"{tool}/node_modules is missing: run `npm ci --prefix tests/tools/oidc-provider` (scripts/test does).");
        }

        return tool;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
