using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Signpost.Web.Tests.Sso.Saml;

/// <summary>
/// npm's samlify as a SAML 2.0 identity provider on 127.0.0.1 (tests/tools/saml-idp/idp.mjs), with a signing key
/// made for this test. It parses Signpost's HTTP-Redirect AuthnRequest, shows a login form, and answers with an
/// HTTP-POST form carrying a Response whose assertion it signs. Exits when this process ends.
/// </summary>
public sealed partial class TestSamlIdp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private TestSamlIdp(Process process, int port, string folder, X509Certificate2 certificate)
    {
        _process = process;
        Port = port;
        _folder = folder;
        Certificate = certificate;
    }

    public int Port { get; }

    public X509Certificate2 Certificate { get; }

    public string MetadataUrl => $"http://127.0.0.1:{Port}/metadata";

    /// <summary>With encryption on: where the provider reads Signpost's service-provider metadata at each sign-in.</summary>
    public string ServiceProviderMetadataPath => Path.Combine(_folder, "sp-metadata.xml");

    /// <summary>
    /// Starts the provider for Signpost's practice <paramref name="slug"/> at <paramref name="publicBaseUrl"/> (the test
    /// host's, SignpostFactory.PublicBaseUrl, unless given), its certificate valid <paramref name="days"/> days.
    /// </summary>
    /// With <paramref name="encryptAssertions"/>, it encrypts assertions to the certificate in the Signpost metadata
    /// written to <see cref="ServiceProviderMetadataPath"/>.
    public static async Task<TestSamlIdp> StartAsync(string slug, int days = 365, string publicBaseUrl = "https://signpost.test", bool encryptAssertions = false)
    {
        var folder = Directory.CreateTempSubdirectory("signpost-saml-idp-").FullName;
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=samlify test IdP", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(days));
        await File.WriteAllTextAsync(Path.Combine(folder, "cert.pem"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(folder, "key.pem"), rsa.ExportPkcs8PrivateKeyPem());

        var entityId = $"{publicBaseUrl.TrimEnd('/')}/sso/saml/{slug}";
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = ToolFolder(),
        };
        foreach (var argument in (string[])[Path.Combine(ToolFolder(), "idp.mjs"), "0", entityId, entityId + "/acs",
            Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem"), "--exit-with-stdin"])
        {
            start.ArgumentList.Add(argument);
        }

        if (encryptAssertions)
        {
            start.ArgumentList.Add("--sp-metadata=" + Path.Combine(folder, "sp-metadata.xml"));
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("listening ", StringComparison.Ordinal))
                {
                    _ = process.StandardOutput.ReadToEndAsync();
                    return new TestSamlIdp(process, int.Parse(line["listening ".Length..], CultureInfo.InvariantCulture), folder,
                        X509CertificateLoader.LoadCertificate(certificate.RawData));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        process.Kill(entireProcessTree: true);
        process.Dispose();
        throw new InvalidOperationException("idp.mjs did not start; run `npm ci --prefix tests/tools/saml-idp` (scripts/test does).");
    }

    /// <summary>
    /// Plays the person at the provider: opens the AuthnRequest URL, signs in as <paramref name="email"/>, and
    /// returns the provider's HTTP-POST form (its action and SAMLResponse).
    /// </summary>
    public static async Task<(Uri Action, string SamlResponse)> SignInAsync(Uri authnRequest, string email)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var login = await http.GetStringAsync(authnRequest);
        var ticket = Ticket().Match(login);
        Assert.True(ticket.Success, "The provider showed no login form: " + login[..Math.Min(400, login.Length)]);
        using var answer = await http.PostAsync(new Uri(authnRequest, "/login"), new FormUrlEncodedContent([new("ticket", ticket.Groups[1].Value), new("login", email)]));
        var html = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, html);
        var action = PostAction().Match(html);
        var response = SamlResponseField().Match(html);
        Assert.True(action.Success && response.Success, "The provider did not answer with an HTTP-POST form: " + html[..Math.Min(400, html.Length)]);
        return (new Uri(WebUtility.HtmlDecode(action.Groups[1].Value)), WebUtility.HtmlDecode(response.Groups[1].Value));
    }

    private static string ToolFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Signpost.slnx")))
        {
            dir = dir.Parent;
        }

        var tool = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Signpost.slnx not found above the test folder."), "tests", "tools", "saml-idp");
        if (!Directory.Exists(Path.Combine(tool, "node_modules", "samlify")))
        {
            throw new InvalidOperationException($"{tool}/node_modules is missing: run `npm ci --prefix tests/tools/saml-idp` (scripts/test does).");
        }

        return tool;
    }

    public async ValueTask DisposeAsync()
    {
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
        Certificate.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [GeneratedRegex("name=\"ticket\" value=\"([^\"]+)\"")]
    private static partial Regex Ticket();

    [GeneratedRegex("<form action=\"([^\"]+)\" method=\"post\">")]
    private static partial Regex PostAction();

    [GeneratedRegex("name=\"SAMLResponse\" value=\"([^\"]+)\"")]
    private static partial Regex SamlResponseField();
}
