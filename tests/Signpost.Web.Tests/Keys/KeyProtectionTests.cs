using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Signpost.Data;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Email;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Keys;

/// <summary>
/// The Data Protection key ring and the device-cookie key at rest: encrypted with the configured certificate;
/// without one, Production refuses to start unless explicitly allowed; a device-cookie key stored bare by an
/// earlier version is kept (trusted browsers stay trusted) and stored encrypted from then on.
/// </summary>
public sealed class KeyProtectionTests
{
    private const string DeviceKeyPurpose = "device-cookie-hmac";

    [Theory]
    [InlineData("migrate")]
    [InlineData("serve", "--urls", "http://127.0.0.1:0")]
    public async Task Production_WithoutCertificate_RefusesToStart_NamingTheSetting(params string[] command)
    {
        var folder = Directory.CreateTempSubdirectory("signpost-keys-").FullName;
        var environment = new Dictionary<string, string?> { ["Signpost__DataProtection__AllowUnprotectedKeys"] = null };

        var run = await SignpostProcess.RunWithEnvironmentAsync($"Data Source={Path.Combine(folder, "signpost.db")}", folder, null, environment, command);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("signpost: configuration: Signpost:DataProtection:CertificatePath is not set", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("AllowUnprotectedKeys=true", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "signpost.db")), "Nothing may be written before the refusal.");
    }

    [Fact]
    public async Task Production_WithCertificate_KeyRingAndDeviceKeyAreEncrypted_AndSignInWorks()
    {
        // Arrange: a Production host with a PKCS#12 certificate named in configuration.
        await using var app = new EmailApp { Environment = "Production" };
        var certificate = WriteCertificate(app.Folder, "keys.pfx", "pfx-password");
        app.Settings["Signpost:DataProtection:CertificatePath"] = certificate;
        app.Settings["Signpost:DataProtection:CertificatePassword"] = "pfx-password";
        var slug = TestAccounts.Unique("keys");
        await app.CreateOrganizationAsync(slug, "Key Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("keys"), slug);
        using var browser = app.CreateBrowser();

        // Act: a form sign-in needs the key ring (anti-forgery, form stamp) and the device-cookie key.
        using var response = await browser.SignInAsync(account.Username, TestAccounts.Password);
        var ring = await app.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync());
        var deviceKey = await app.WithDbAsync(db => db.SecretKeys.AsNoTracking().SingleAsync(k => k.Purpose == DeviceKeyPurpose));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.NotNull(browser.Cookie(Signpost.Core.Devices.DeviceCookies.CookieName(account.Id)));
        Assert.NotEmpty(ring);
        Assert.All(ring, xml =>
        {
            Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("unencrypted form", xml, StringComparison.Ordinal);
        });
        Assert.True(deviceKey.Value.Length > 32, $"The device-cookie key is stored as {deviceKey.Value.Length} bytes: bare.");
    }

    [Fact]
    public async Task BareDeviceKeyFromAnEarlierVersion_StillSignsCookies_AndIsStoredEncrypted()
    {
        // Arrange: the key an earlier version stored in the clear, before anything used it.
        await using var app = new SignpostFactory();
        var bare = RandomNumberGenerator.GetBytes(32);
        await app.WithDbAsync(async db =>
        {
            db.SecretKeys.Add(new SecretKey { Purpose = DeviceKeyPurpose, Value = bare, CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        var slug = TestAccounts.Unique("legacy");
        await app.CreateOrganizationAsync(slug, "Legacy Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("legacy"), slug);
        using var browser = app.CreateBrowser();

        // Act
        using var response = await browser.ApiSignInAsync(account.Username, TestAccounts.Password);
        var cookie = browser.Cookie(Signpost.Core.Devices.DeviceCookies.CookieName(account.Id));
        var stored = await app.WithDbAsync(db => db.SecretKeys.AsNoTracking().SingleAsync(k => k.Purpose == DeviceKeyPurpose));

        // Assert: the cookie is signed with the old key; the row no longer holds it bare.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(cookie);
        var cut = cookie.LastIndexOf('.');
        var mac = Convert.ToHexStringLower(HMACSHA256.HashData(bare, Encoding.ASCII.GetBytes(cookie[..cut])));
        Assert.Equal(mac, cookie[(cut + 1)..]);
        Assert.NotEqual(bare, stored.Value);
        Assert.True(stored.Value.Length > 32);
        Assert.False(stored.Value.AsSpan().IndexOf(bare) >= 0, "The bare key is still readable in the stored value.");
    }

    private static string WriteCertificate(string folder, string name, string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Signpost key ring (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }
}
