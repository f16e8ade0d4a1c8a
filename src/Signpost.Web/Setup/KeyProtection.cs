using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Signpost.Data;

namespace Signpost.Web.Setup;

/// <summary>
/// Settings under <c>Signpost:DataProtection</c>: the certificate that encrypts the Data Protection key ring
/// (and through it the device-cookie key) where it is stored, in the database. See docs/deployment.md.
/// </summary>
public sealed class KeyProtectionOptions
{
    public const string Section = "Signpost:DataProtection";

    /// <summary>A PKCS#12 (.pfx/.p12) file, or a PEM certificate with its private key in <see cref="KeyPath"/>.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PKCS#12 file's password, or the PEM key's when it is encrypted.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key of a PEM certificate; unset for PKCS#12, or when the PEM file holds the key too.</summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// Earlier certificates (same formats, PKCS#12 with <see cref="CertificatePassword"/>) that may still decrypt
    /// keys written before a certificate change; new keys are encrypted with <see cref="CertificatePath"/> only.
    /// </summary>
    public string[] PreviousCertificatePaths { get; set; } = [];

    /// <summary>
    /// Run in the Production environment with the key ring stored unencrypted. Off: production refuses to
    /// start without a certificate, because anyone who reads the database could then forge sessions' forms,
    /// decrypt SSO client secrets and mint device cookies.
    /// </summary>
    public bool AllowUnprotectedKeys { get; set; }
}

/// <summary>
/// The Data Protection key ring: kept in the database (every node reads the forms and tickets every other
/// node wrote) and, with a certificate configured, encrypted there with it (ASP.NET Core's
/// <c>ProtectKeysWithCertificate</c>, XML Encryption with the certificate's RSA key).
/// </summary>
public static class KeyProtection
{
    public const string ApplicationName = "Signpost";

    public static IServiceCollection AddSignpostDataProtection(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(KeyProtectionOptions.Section).Get<KeyProtectionOptions>() ?? new KeyProtectionOptions();
        var builder = services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToDbContext<SignpostDbContext>();

        if (string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            if (environment.IsProduction() && !options.AllowUnprotectedKeys)
            {
                // Thrown while the host is built, so serve and every command stop with this one line.
                throw new OptionsValidationException(KeyProtectionOptions.Section, typeof(KeyProtectionOptions),
                [
                    $"{KeyProtectionOptions.Section}:CertificatePath is not set: in Production the key ring (and the device-cookie key) must be " +
                    $"encrypted at rest. Name a certificate (see docs/deployment.md), or set {KeyProtectionOptions.Section}:AllowUnprotectedKeys=true to run without.",
                ]);
            }

            services.AddHostedService<UnprotectedKeysWarning>();
            return services;
        }

        var certificate = Load(options.CertificatePath, options.KeyPath, options.CertificatePassword, "CertificatePath");
        builder.ProtectKeysWithCertificate(certificate);
        var all = options.PreviousCertificatePaths
            .Select((path, i) => Load(path, null, options.CertificatePassword, $"PreviousCertificatePaths:{i}"))
            .Prepend(certificate)
            .ToArray();
        builder.UnprotectKeysWithAnyCertificate(all);
        return services;
    }

    private static X509Certificate2 Load(string path, string? keyPath, string? password, string setting)
    {
        string Fail(string why) => $"{KeyProtectionOptions.Section}:{setting} ('{path}') {why}";
        X509Certificate2 certificate;
        try
        {
            var pem = path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase);
            certificate = pem
                ? string.IsNullOrEmpty(password)
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath)
                : X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new OptionsValidationException(KeyProtectionOptions.Section, typeof(KeyProtectionOptions), [Fail($"cannot be read: {ex.Message}")]);
        }

        if (!certificate.HasPrivateKey || certificate.GetRSAPrivateKey() is null)
        {
            throw new OptionsValidationException(KeyProtectionOptions.Section, typeof(KeyProtectionOptions),
                [Fail("holds no RSA private key; the key ring is encrypted and decrypted with one.")]);
        }

        return certificate;
    }

    /// <summary>Says at every start, where operators look, that the keys lie unencrypted in the database.</summary>
    private sealed class UnprotectedKeysWarning(ILogger<UnprotectedKeysWarning> logger, IHostEnvironment environment) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            KeyProtectionLog.KeysUnprotected(logger, environment.EnvironmentName, KeyProtectionOptions.Section);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>Log messages of key protection (event IDs 80xx).</summary>
internal static partial class KeyProtectionLog
{
    [LoggerMessage(EventId = 8001, EventName = "KeyProtectionLog.KeysUnprotected", Level = LogLevel.Warning, Message = "Data Protection keys and the device-cookie key are stored UNENCRYPTED in the database ({Environment}): " +
        "anyone who reads a backup can forge forms and device cookies and decrypt SSO client secrets. Set {Section}:CertificatePath (docs/deployment.md).")]
    public static partial void KeysUnprotected(ILogger logger, string environment, string section);
}
