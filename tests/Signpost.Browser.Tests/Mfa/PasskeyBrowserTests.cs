using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Playwright;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Mfa;

/// <summary>
/// Passkeys in Chromium (docs/mfa.md, "Passkeys"), through its virtual authenticator (the Chrome DevTools
/// Protocol's WebAuthn domain): a platform authenticator with resident keys and user verification, as a laptop's
/// or phone's is. What the browser does is real — the options, the signature, the posted answer — and what the
/// app kept is read back from its database.
/// </summary>
public sealed class PasskeyBrowserTests(SignpostBrowserFixture fixture, PasskeyServer passkeys)
    : BrowserTest(fixture), IClassFixture<PasskeyServer>
{
    protected override SignpostServer Server => passkeys.Server;

    protected override Uri PageAddress => passkeys.Server.LocalhostAddress;

    [Fact]
    public async Task Passkey_RegisteredFromTheSecurityPage_SignsInWithoutAPassword_ThenRemoved()
    {
        // Arrange: demo.active signs in with the password (no factor yet: led to enrol within grace)
        var (page, cdp) = await NewLocalhostPageAsync();
        var authenticator = await AddAuthenticatorAsync(cdp);
        var accountId = await passkeys.AccountIdAsync(Demo.Active);
        await (await SignInPage.OpenAsync(page, "/sign-in")).SubmitAsync(Demo.Active, Demo.Password);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("notice=mfa"));

        // Act: register a passkey named "Laptop"
        await page.GotoAsync("/account/second-factor");
        await page.GetByLabel("Add a passkey: its name").FillAsync("Laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();

        // Assert: shown, with recovery codes (a first factor), and kept: the authenticator's credential, discoverable, this account's
        await Expect(page.GetByTestId("mfa-message")).ToContainTextAsync("Passkey \"Laptop\" is set up.");
        await Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await Expect(page.GetByTestId("passkeys")).ToContainTextAsync("Laptop");
        var credential = Assert.Single(await CredentialsAsync(cdp, authenticator));
        var stored = Assert.Single(await passkeys.QueryAsync($"SELECT * FROM Passkeys WHERE AccountId = '{accountId}'"));
        Assert.Equal("Laptop", stored["Name"]);
        Assert.Equal(Convert.FromBase64String(credential.GetProperty("credentialId").GetString()!), (byte[])stored["CredentialId"]!);
        Assert.Equal(1L, stored["Discoverable"]);
        Assert.NotEmpty((byte[])stored["PublicKey"]!);
        Assert.Null(stored["LastUsedAt"]);
        Assert.Single(await passkeys.QueryAsync($"SELECT * FROM AuditEntries WHERE Action = 'mfa.passkey_added' AND TargetId = '{accountId.ToLowerInvariant()}'"));

        // Act: a new sign-in, with the passkey and no password
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync("/sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();

        // Assert: signed in; the event says passkey, signed_in, and the passkey's counter and last use moved
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/$"));
        var signedIn = await LastEventAsync($"Method = 'Passkey' AND AccountId = '{accountId}'");
        Assert.Equal(("signed_in", "passkey"), ((string)signedIn["ReasonCode"]!, (string)signedIn["IdentifierKind"]!));
        Assert.Contains("Passkey \"Laptop\", without a password", (string)signedIn["Detail"]!, StringComparison.Ordinal);
        var used = Assert.Single(await passkeys.QueryAsync($"SELECT * FROM Passkeys WHERE AccountId = '{accountId}'"));
        Assert.NotNull(used["LastUsedAt"]);
        Assert.True((long)used["SignCount"]! > (long)stored["SignCount"]!);

        // Act: remove it (the page, with the passkey and its last use, is docs/mfa.md's picture)
        await page.GotoAsync("/account/second-factor");
        await Expect(page.GetByTestId("passkeys")).ToContainTextAsync("Laptop");
        Docs.Screenshots.AssertPng(await Docs.Screenshots.TakeAsync(page, "passkeys.png"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove passkey Laptop" }).ClickAsync();

        // Assert: gone from the page and the database, audited
        await Expect(page.GetByTestId("no-passkey")).ToBeVisibleAsync();
        Assert.Empty(await passkeys.QueryAsync($"SELECT * FROM Passkeys WHERE AccountId = '{accountId}'"));
        Assert.Single(await passkeys.QueryAsync($"SELECT * FROM AuditEntries WHERE Action = 'mfa.passkey_removed' AND TargetId = '{accountId.ToLowerInvariant()}'"));

        // Act: the removed passkey, still on the authenticator, tries to sign in without a password
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync("/sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();

        // Assert: refused as invalid_credentials, which says nothing about any account; the event keeps why
        var failure = new FailureBox(page.GetByTestId("failure"));
        Assert.Equal("invalid_credentials", await failure.CodeAsync());
        var refused = await LastEventAsync("Method = 'Passkey' AND ReasonCode <> 'signed_in'");
        Assert.Equal("invalid_credentials", refused["ShownReasonCode"]);
        Assert.Null(refused["AccountId"]);
        Assert.Contains("registered to no account", (string)refused["Detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Passkey_AsTheSecondFactor_IsAccepted_AndASignatureFromAnotherCredentialIsRefusedAndCounted()
    {
        // Arrange: demo.admin registers a passkey
        var (page, cdp) = await NewLocalhostPageAsync();
        var authenticator = await AddAuthenticatorAsync(cdp);
        var accountId = await passkeys.AccountIdAsync(Demo.Admin);
        await (await SignInPage.OpenAsync(page, "/sign-in")).SubmitAsync(Demo.Admin, Demo.Password);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("notice=mfa"));
        await page.GotoAsync("/account/second-factor");
        await page.GetByLabel("Add a passkey: its name").FillAsync("Desk key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Expect(page.GetByTestId("passkeys")).ToContainTextAsync("Desk key");
        var registered = Assert.Single(await CredentialsAsync(cdp, authenticator));

        // Act: the password, then the passkey as the second factor
        await page.Context.ClearCookiesAsync();
        await (await SignInPage.OpenAsync(page, "/sign-in")).SubmitAsync(Demo.Admin, Demo.Password);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/sign-in/verify"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Use your passkey" }).ClickAsync();

        // Assert: signed in; the completion's event names the passkey
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/$"));
        var accepted = await LastEventAsync($"AccountId = '{accountId}' AND IdentifierKind = 'passkey'");
        Assert.Equal("signed_in", accepted["ReasonCode"]);
        Assert.Contains("passkey \"Desk key\"", (string)accepted["Detail"]!, StringComparison.Ordinal);

        // Arrange: another authenticator holds a credential with the registered one's ID and user handle, but its own key
        await cdp.SendAsync("WebAuthn.removeVirtualAuthenticator", new() { ["authenticatorId"] = authenticator });
        var impostor = await AddAuthenticatorAsync(cdp);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await cdp.SendAsync("WebAuthn.addCredential", new()
        {
            ["authenticatorId"] = impostor,
            ["credential"] = new Dictionary<string, object>
            {
                ["credentialId"] = registered.GetProperty("credentialId").GetString()!,
                ["isResidentCredential"] = true,
                ["rpId"] = "localhost",
                ["privateKey"] = Convert.ToBase64String(otherKey.ExportPkcs8PrivateKey()),
                ["userHandle"] = registered.GetProperty("userHandle").GetString()!,
                ["signCount"] = 1000,
            },
        });

        // Act: the password, then the impostor's signature as the second factor
        await page.Context.ClearCookiesAsync();
        await (await SignInPage.OpenAsync(page, "/sign-in")).SubmitAsync(Demo.Admin, Demo.Password);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/sign-in/verify"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Use your passkey" }).ClickAsync();

        // Assert: refused as a wrong second factor, counted toward the second factor's lock
        var failure = new FailureBox(page.GetByTestId("failure"));
        Assert.Equal("mfa_code_invalid", await failure.CodeAsync());
        var refused = await LastEventAsync($"AccountId = '{accountId}' AND IdentifierKind = 'passkey'");
        Assert.Equal("mfa_code_invalid", refused["ReasonCode"]);
        Assert.Contains("did not verify", (string)refused["Detail"]!, StringComparison.Ordinal);
        var state = Assert.Single(await passkeys.QueryAsync($"SELECT * FROM SecondFactorStates WHERE AccountId = '{accountId}'"));
        Assert.Equal(1L, state["FailureCount"]);

        // Act: the same impostor without a password
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync("/sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();

        // Assert: invalid_credentials, as for a passkey of nobody; support sees whose it claimed to be and why
        Assert.Equal("invalid_credentials", await new FailureBox(page.GetByTestId("failure")).CodeAsync());
        var passwordless = await LastEventAsync($"Method = 'Passkey' AND AccountId = '{accountId}'");
        Assert.Equal("invalid_credentials", passwordless["ReasonCode"]);
        Assert.Contains("did not verify", (string)passwordless["Detail"]!, StringComparison.Ordinal);
        var unchanged = Assert.Single(await passkeys.QueryAsync($"SELECT * FROM Passkeys WHERE AccountId = '{accountId}'"));
        Assert.True((long)unchanged["SignCount"]! < 1000, "The impostor's counter was stored.");
    }

    private async Task<(IPage Page, ICDPSession Cdp)> NewLocalhostPageAsync()
    {
        var page = await NewPageAsync(width: Docs.Screenshots.Width, height: Docs.Screenshots.Height);
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable", new() { ["enableUI"] = false });
        return (page, cdp);
    }

    /// <summary>A platform authenticator (ctap2, internal) with resident keys and user verification that always succeeds.</summary>
    private static async Task<string> AddAuthenticatorAsync(ICDPSession cdp)
    {
        var added = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new()
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        return added!.Value.GetProperty("authenticatorId").GetString()!;
    }

    private static async Task<List<JsonElement>> CredentialsAsync(ICDPSession cdp, string authenticator)
    {
        var listed = await cdp.SendAsync("WebAuthn.getCredentials", new() { ["authenticatorId"] = authenticator });
        return listed!.Value.GetProperty("credentials").EnumerateArray().ToList();
    }

    private async Task<Dictionary<string, object?>> LastEventAsync(string where) =>
        (await passkeys.QueryAsync($"SELECT * FROM SignInEvents WHERE {where} ORDER BY Id DESC LIMIT 1")).Single();
}
