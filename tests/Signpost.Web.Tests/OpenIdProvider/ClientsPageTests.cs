using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.EntityFrameworkCore.Models;
using Signpost.Core.Accounts;
using Signpost.Web.OpenIdProvider;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Platform;
using static Signpost.Web.Tests.Platform.PlatformPeople;

namespace Signpost.Web.Tests.OpenIdProvider;

/// <summary>
/// <c>/platform/clients</c> through a browser-like client: a platform admin registers, edits, re-keys and removes a
/// portal application with the checks and audit entries of <c>signpost clients</c>, and the provider honours each
/// change at once. (Who else may open the pages: the authorization matrix.)
/// </summary>
public sealed class ClientsPageTests(OidcFixture fixture) : IClassFixture<OidcFixture>
{
    private const string AddForm = "form[data-testid=add-form]";
    private OidcApp App => fixture.App;

    [Fact]
    public async Task ClientsPage_AddEditRotateRemove_SecretShownOnceEveryActAuditedAndHonoured()
    {
        // Arrange
        var slug = TestAccounts.Unique("page-clinic");
        await App.CreateMemberAsync(slug, TestAccounts.Unique("page.pat"));
        var (admin, browser) = await OperatorAsync("clients-op", null, PlatformRoles.PlatformAdmin);
        using var _b = browser;
        var clientId = TestAccounts.Unique("page-portal");

        // Act: register a confidential client on the page
        using var added = await PostAsync(browser, "/platform/clients", AddForm, ("Form.ClientId", clientId), ("Form.DisplayName", "Eligibility portal"),
            ("Form.RedirectUris", OidcApp.Callback), ("Form.Practices", slug));

        // Assert: the secret on this answer only, uncached; stored as a hash; the entry names the operator and not the secret
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Contains("no-store", added.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var secret = (await TestBrowser.ParseAsync(added)).QuerySelector("[data-testid=secret]")!.GetAttribute("value")!;
        Assert.True(secret.Length >= 43, secret);
        var stored = await StoredAsync(clientId);
        Assert.DoesNotContain(secret, stored!.ClientSecret!, StringComparison.Ordinal);
        var created = await EntryAsync("oidc_client.create", clientId);
        Assert.Equal(admin.Id, created.ActorAccountId);
        Assert.DoesNotContain(secret, created.After!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, await TokenStatusAsync(clientId, secret)); // authenticated: only the code is wrong
        var (shown, page) = await browser.GetPageAsync($"/platform/clients/{clientId}");
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.DoesNotContain(secret, page.Source.Text, StringComparison.Ordinal);
        Assert.Contains(slug, page.QuerySelector("[data-testid=client-facts]")!.TextContent, StringComparison.Ordinal);

        // Act: edit the addresses, the scopes and a lifetime
        using var saved = await PostAsync(browser, $"/platform/clients/{clientId}", "form[data-testid=edit-form]",
            ("Form.PostLogoutUris", "http://127.0.0.1:9/portal/signed-out"), ("Form.Scopes", "practices"), ("Form.AccessTokenMinutes", "30"));

        // Assert: saved and audited with before and after; the secret is untouched
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.EndsWith("?done=saved", saved.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var edited = await ShowAsync(clientId);
        Assert.Equal(["http://127.0.0.1:9/portal/signed-out"], edited.PostLogoutRedirectUris);
        Assert.Equal(["openid", "practices"], edited.Scopes);
        Assert.Equal("00:30:00", edited.AccessTokenLifetime);
        Assert.Equal([slug], edited.Practices);
        var update = await EntryAsync("oidc_client.update", clientId);
        Assert.Contains("signed-out", update.After!, StringComparison.Ordinal);
        Assert.DoesNotContain("signed-out", update.Before!, StringComparison.Ordinal);
        Assert.Equal(stored.ClientSecret, (await StoredAsync(clientId))!.ClientSecret);
        Assert.Equal(HttpStatusCode.BadRequest, await TokenStatusAsync(clientId, secret));

        // Act + Assert: a rotation without its confirmation does nothing
        using var unconfirmed = await PostAsync(browser, $"/platform/clients/{clientId}", "form[data-testid=rotate-form]");
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.Equal("ConfirmRotate", (await TestBrowser.ParseAsync(unconfirmed)).QuerySelector("[data-testid=problems] li")!.GetAttribute("data-field"));
        Assert.Equal(HttpStatusCode.BadRequest, await TokenStatusAsync(clientId, secret));

        // Act: rotate, confirmed
        using var rotated = await PostAsync(browser, $"/platform/clients/{clientId}", "form[data-testid=rotate-form]", ("ConfirmRotate", "true"));

        // Assert: a new secret shown once; the old one refused at once
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Contains("no-store", rotated.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var newSecret = (await TestBrowser.ParseAsync(rotated)).QuerySelector("[data-testid=secret]")!.GetAttribute("value")!;
        Assert.NotEqual(secret, newSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, await TokenStatusAsync(clientId, secret));
        Assert.Equal(HttpStatusCode.BadRequest, await TokenStatusAsync(clientId, newSecret));
        Assert.Equal(admin.Id, (await EntryAsync("oidc_client.secret_rotated", clientId)).ActorAccountId);

        // Act + Assert: removal asks for the ID typed again
        using var mistyped = await PostAsync(browser, $"/platform/clients/{clientId}", "form[data-testid=remove-form]", ("ConfirmRemove", "another-id"));
        Assert.Equal(HttpStatusCode.BadRequest, mistyped.StatusCode);
        Assert.NotNull(await StoredAsync(clientId));
        using var removed = await PostAsync(browser, $"/platform/clients/{clientId}", "form[data-testid=remove-form]", ("ConfirmRemove", clientId));
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Null(await StoredAsync(clientId));
        Assert.Equal(admin.Id, (await EntryAsync("oidc_client.remove", clientId)).ActorAccountId);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/platform/clients/{clientId}")).StatusCode);
    }

    [Theory]
    [InlineData("Form.RedirectUris", "https://*.portal.example/cb", "RedirectUris", "not an absolute")]
    [InlineData("Form.RedirectUris", "http://portal.example/cb", "RedirectUris", "must use https")]
    [InlineData("Form.RedirectUris", "https://portal.example/cb#top", "RedirectUris", "without a fragment")]
    [InlineData("Form.PostLogoutUris", "http://portal.example/out", "PostLogoutUris", "must use https")]
    [InlineData("Form.BackChannelLogoutUri", "javascript:alert(1)", "BackChannelLogoutUri", "not an absolute")]
    [InlineData("Form.Practices", "no-such-practice", "Practices", "No practice 'no-such-practice'")]
    [InlineData("Form.Practices", "", "Practices", "Name the practices")]
    [InlineData("Form.ClientId", "a b", "ClientId", "3 to 100 letters")]
    [InlineData("Form.AccessTokenMinutes", "0", "AccessTokenMinutes", "1 to 1440 minutes")]
    [InlineData("Form.AccessTokenMinutes", "99999999999", "AccessTokenMinutes", "whole number")]
    [InlineData("Form.RefreshTokenHours", "a day", "RefreshTokenHours", "whole number")]
    [InlineData("Form.Scopes", "admin", "Scopes", "not: admin")]
    [InlineData("Form.DisplayName", "Claims portal Claims portal Claims portal Claims portal Claims portal Claims portal Claims portal Claims portal Claims portal Claims portal Claims portal Claims portal Claims portal Claims portal Claims portal", "DisplayName", "at most 200 characters")]
    public async Task ClientsPage_BadValue_NamesTheFieldAndStoresNothing(string input, string value, string field, string message)
    {
        // Arrange
        var slug = TestAccounts.Unique("bad-clinic");
        await App.CreateOrganizationAsync(slug, "Bad Input Clinic");
        var (_, browser) = await OperatorAsync("clients-bad", null, PlatformRoles.PlatformAdmin);
        using var _b = browser;
        var clientId = TestAccounts.Unique("bad-portal");
        var entriesBefore = await App.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.TargetType == "oidc_client"));
        (string, string)[] valid = [("Form.ClientId", clientId), ("Form.RedirectUris", OidcApp.Callback), ("Form.Practices", slug)];

        // Act
        using var response = await PostAsync(browser, "/platform/clients", AddForm, [.. valid, (input, value)]);

        // Assert: the page again with the field marked (no 500), nothing registered, nothing audited
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var document = await TestBrowser.ParseAsync(response);
        var problem = Assert.Single(document.QuerySelectorAll("[data-testid=problems] li"));
        Assert.Equal(field, problem.GetAttribute("data-field"));
        Assert.Contains(message, problem.TextContent, StringComparison.Ordinal);
        Assert.NotNull(document.GetElementById($"client-{field}-error"));
        if (field != "Scopes") // a group of checkboxes: its message is in the fieldset
        {
            Assert.Equal("true", document.GetElementById("client-" + field)!.GetAttribute("aria-invalid"));
        }

        Assert.Null(document.QuerySelector("[data-testid=secret]"));
        Assert.False(await App.WithDbAsync(db => db.Set<OpenIddictEntityFrameworkCoreApplication>().AnyAsync(a => a.ClientId == clientId || a.ClientId == "a b")));
        Assert.Equal(entriesBefore, await App.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.TargetType == "oidc_client")));
    }

    [Fact]
    public async Task ClientPage_SaveOverAnotherAdministratorsChange_IsRefusedAndKeepsTheirs()
    {
        // Arrange: the page is opened, then the command line (another operator) changes the client
        var slug = TestAccounts.Unique("stale-clinic");
        await App.CreateOrganizationAsync(slug, "Stale Clinic");
        var clientId = TestAccounts.Unique("stale-portal");
        await App.AddClientAsync(clientId, [slug]);
        var (_, browser) = await OperatorAsync("clients-stale", null, PlatformRoles.PlatformAdmin);
        using var _b = browser;
        var (_, page) = await browser.GetPageAsync($"/platform/clients/{clientId}");
        var stamp = page.QuerySelector("input[name='Form.Stamp']")!.GetAttribute("value")!;
        var theirs = await ShowAsync(clientId);
        await App.WithServicesAsync(services => services.GetRequiredService<ClientRegistry>().UpdateAsync(new ClientRequest(
            clientId, "Renamed by someone else", false, theirs.RedirectUris, [], null, theirs.Scopes, theirs.Practices, false, null, null), CancellationToken.None).Done());

        // Act: the first page's form is saved
        using var saved = await PostAsync(browser, $"/platform/clients/{clientId}", "form[data-testid=edit-form]",
            ("Form.Stamp", stamp), ("Form.DisplayName", "Mine"), ("Form.RedirectUris", OidcApp.Callback), ("Form.Practices", slug));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, saved.StatusCode);
        Assert.Contains("Someone changed this application", (await TestBrowser.ParseAsync(saved)).QuerySelector("[data-testid=problems]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Renamed by someone else", (await ShowAsync(clientId)).DisplayName);
    }

    [Fact]
    public async Task Serve_WithoutDemo_RegistersNoDemoPortalClient() =>
        Assert.Null(await DemoPortalClientTests.ShowAsync(App));

    /// <summary>A platform admin signed in through the sign-in page, in a browser against the provider's real port.</summary>
    private async Task<(Account Account, TestBrowser Browser)> OperatorAsync(string prefix, string? slug, PlatformRoles platformRoles)
    {
        var username = TestAccounts.Unique(prefix);
        var account = await App.WithServicesAsync(services => services.GetRequiredService<PlatformProvisioning>().CreateAccountAsync(
            slug, username, $"{username}@payer.example", username + " Operator", null, PracticeRoles.None, platformRoles, TestAccounts.Password, CancellationToken.None).Done());
        var browser = App.CreateRealBrowser();
        using var signedIn = await browser.SignInAsync(account.Username, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return (account, browser);
    }

    private Task<OpenIddictEntityFrameworkCoreApplication?> StoredAsync(string clientId) =>
        App.WithDbAsync(db => db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking().SingleOrDefaultAsync(a => a.ClientId == clientId));

    private Task<ClientView> ShowAsync(string clientId) =>
        App.WithServicesAsync(services => services.GetRequiredService<ClientRegistry>().ShowAsync(clientId, CancellationToken.None).Done());

    private Task<Core.Audit.AuditEntry> EntryAsync(string action, string clientId) =>
        App.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == action && e.TargetId == clientId));

    private async Task<HttpStatusCode> TokenStatusAsync(string clientId, string secret)
    {
        using var http = App.CreateBackChannel();
        using var response = await http.PostAsync(new Uri("connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = "not-a-code", ["redirect_uri"] = OidcApp.Callback,
            ["code_verifier"] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        return response.StatusCode;
    }
}
