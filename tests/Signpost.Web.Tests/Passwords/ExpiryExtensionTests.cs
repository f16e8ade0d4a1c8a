using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Passwords;
using Signpost.Core.Reasons;
using Signpost.Web.Platform;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Passwords;

/// <summary>
/// An operator's extension of one person's password expiry, from the command line and the API: who may
/// grant it, what it stores, what it changes for sign-in, and how bad requests are answered.
/// </summary>
public sealed class ExpiryExtensionTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    private const string ProblemJson = "application/problem+json";

    /// <summary>A member of a practice with 30-day expiry whose password is 35 days old: expired 5 days ago.</summary>
    private async Task<(Account Account, DateTimeOffset ChangedAt)> ExpiredMemberAsync()
    {
        var slug = TestAccounts.Unique("oakridge");
        await app.CreateOrganizationAsync(slug, "Oakridge Cardiology", policy => policy.PasswordExpiryDays = 30);
        var account = await app.CreateAccountAsync(TestAccounts.Unique("ivy"), slug);

        // Whole milliseconds, as the database keeps them.
        var changedAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddDays(-35).ToUnixTimeMilliseconds());
        await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordChangedAt, changedAt)));
        return (account, changedAt);
    }

    private async Task<TestBrowser> SignedInAsync(PlatformRoles platformRoles, string? practiceSlug = null)
    {
        var account = await app.CreateAccountAsync(TestAccounts.Unique("op"), practiceSlug, platformRoles: platformRoles);
        var browser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
        return browser;
    }

    private Task<Account> StoredAsync(Guid id) =>
        app.WithDbAsync(db => db.Accounts.AsNoTracking().Include(a => a.Memberships).ThenInclude(m => m.Organization).SingleAsync(a => a.Id == id));

    private static DateTimeOffset? ExpiresAt(Account stored) => PasswordExpiry.ExpiresAt(stored, PasswordExpiry.OrganizationsOf(stored));

    private static string Path(Guid id) => $"/api/v1/accounts/{id}/password-expiry-extension";

    private async Task<string?> SignInCodeAsync(Account account)
    {
        using var browser = app.CreateBrowser();
        var response = await browser.ApiSignInAsync(account.Username, TestAccounts.Password);
        return (await TestBrowser.JsonAsync(response)).TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    [Theory]
    [InlineData(PlatformRoles.SupportAgent)]
    [InlineData(PlatformRoles.PlatformAdmin)]
    public async Task Api_OperatorExtendsAnExpiredPassword_ExpiryMovesAndSignInNoLongerReportsExpired(PlatformRoles role)
    {
        // Arrange
        var (ivy, changedAt) = await ExpiredMemberAsync();
        Assert.Equal(ReasonCodes.PasswordExpired, await SignInCodeAsync(ivy));
        using var operatorBrowser = await SignedInAsync(role);

        // Act
        var response = await operatorBrowser.Http.PostAsJsonAsync(Path(ivy.Id), new { days = 10 });

        // Assert: the answer, what was stored, and what sign-in now does.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await TestBrowser.JsonAsync(response);
        Assert.Equal(ivy.Id, body.GetProperty("accountId").GetGuid());
        Assert.Equal(10, body.GetProperty("extensionDays").GetInt32());
        Assert.Equal(changedAt.AddDays(30), body.GetProperty("previousExpiresAt").GetDateTimeOffset());
        Assert.Equal(changedAt.AddDays(40), body.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.False(body.GetProperty("expired").GetBoolean());

        var stored = await StoredAsync(ivy.Id);
        Assert.Equal(10, stored.PasswordExpiryExtensionDays);
        Assert.Equal(changedAt, stored.PasswordChangedAt);
        Assert.Equal(changedAt.AddDays(40), ExpiresAt(stored));

        Assert.Equal(ReasonCodes.SignedIn, await SignInCodeAsync(ivy));
        Assert.Equal(ReasonCodes.SignedIn, (await app.EventsForAccountAsync(ivy.Id)).Last().ReasonCode);
    }

    [Fact]
    public async Task Api_AnonymousStaffOrPracticeAdmin_RefusedWithProblemAndNothingStored()
    {
        // Arrange
        var (ivy, _) = await ExpiredMemberAsync();
        var slug = TestAccounts.Unique("birch");
        await app.CreateOrganizationAsync(slug, "Birch Lane Clinic");
        using var anonymous = app.CreateBrowser();
        using var staff = await SignedInAsync(PlatformRoles.None, slug);
        var admin = await app.WithServicesAsync(services => services.GetRequiredService<PlatformProvisioning>().CreateAccountAsync(
            slug, TestAccounts.Unique("pam"), $"{TestAccounts.Unique("pam")}@birch.example", "Pam", null, PracticeRoles.PracticeAdmin, PlatformRoles.None, TestAccounts.Password, CancellationToken.None).Done());
        using var practiceAdmin = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await practiceAdmin.ApiSignInAsync(admin.Username, TestAccounts.Password)).StatusCode);

        // Act
        var anonymousResponse = await anonymous.Http.PostAsJsonAsync(Path(ivy.Id), new { days = 10 });
        var staffResponse = await staff.Http.PostAsJsonAsync(Path(ivy.Id), new { days = 10 });
        var adminResponse = await practiceAdmin.Http.PostAsJsonAsync(Path(ivy.Id), new { days = 10 });

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousResponse.StatusCode);
        Assert.Equal(ProblemJson, anonymousResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unauthorized", (await TestBrowser.JsonAsync(anonymousResponse)).GetProperty("code").GetString());
        foreach (var forbidden in new[] { staffResponse, adminResponse })
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            var problem = await TestBrowser.JsonAsync(forbidden);
            Assert.Equal("forbidden", problem.GetProperty("code").GetString());
            Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("traceId").GetString());
        }

        Assert.Equal(0, (await StoredAsync(ivy.Id)).PasswordExpiryExtensionDays);
        Assert.Equal(ReasonCodes.PasswordExpired, await SignInCodeAsync(ivy));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", HttpStatusCode.NotFound, "not_found")]
    [InlineData("not-an-account", HttpStatusCode.BadRequest, "invalid_account_id")]
    [InlineData("%27%20OR%201%3D1--", HttpStatusCode.BadRequest, "invalid_account_id")]
    public async Task Api_UnknownOrMalformedAccountId_Problem(string id, HttpStatusCode status, string code)
    {
        using var support = await SignedInAsync(PlatformRoles.SupportAgent);

        var response = await support.Http.PostAsJsonAsync($"/api/v1/accounts/{id}/password-expiry-extension", new { days = 10 });

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        var problem = await TestBrowser.JsonAsync(response);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(response.Headers.GetValues("X-Trace-Id").Single(), problem.GetProperty("traceId").GetString());
    }

    public static TheoryData<string, HttpStatusCode, string> BadBodies() => new()
    {
        { "zero days", HttpStatusCode.BadRequest, "invalid_request" },
        { "negative days", HttpStatusCode.BadRequest, "invalid_request" },
        { "366 days", HttpStatusCode.BadRequest, "invalid_request" },
        { "beyond Int32", HttpStatusCode.BadRequest, "invalid_request" },
        { "huge exponent", HttpStatusCode.BadRequest, "invalid_request" },
        { "fraction", HttpStatusCode.BadRequest, "invalid_request" },
        { "days as string", HttpStatusCode.BadRequest, "invalid_request" },
        { "days null", HttpStatusCode.BadRequest, "invalid_request" },
        { "missing days", HttpStatusCode.BadRequest, "invalid_request" },
        { "repeated key", HttpStatusCode.BadRequest, "invalid_request" },
        { "JSON array", HttpStatusCode.BadRequest, "invalid_request" },
        { "empty body", HttpStatusCode.BadRequest, "invalid_request" },
        { "not JSON", HttpStatusCode.BadRequest, "invalid_request" },
        { "deeply nested JSON", HttpStatusCode.BadRequest, "invalid_request" },
        { "invalid UTF-8", HttpStatusCode.BadRequest, "invalid_request" },
        { "form content type", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type" },
        { "no content type", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type" },
        { "oversized body", HttpStatusCode.RequestEntityTooLarge, "payload_too_large" },
        { "oversized body without length", HttpStatusCode.RequestEntityTooLarge, "payload_too_large" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Api_BadBody_ProblemAndNothingStored(string name, HttpStatusCode status, string code)
    {
        // Arrange
        var (ivy, _) = await ExpiredMemberAsync();
        using var support = await SignedInAsync(PlatformRoles.SupportAgent);

        // Act
        var response = await support.Http.PostAsync(new Uri(Path(ivy.Id), UriKind.Relative), Body(name));

        // Assert: a 4xx problem that says what is wrong, never a 500; the account unchanged.
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        var problem = await TestBrowser.JsonAsync(response);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(32, problem.GetProperty("traceId").GetString()!.Length);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.Equal(0, (await StoredAsync(ivy.Id)).PasswordExpiryExtensionDays);
    }

    [Fact]
    public async Task Cli_ExtendExpiry_StoresTheExtensionAndSignInNoLongerReportsExpired()
    {
        // Arrange
        var (ivy, changedAt) = await ExpiredMemberAsync();

        // Act: by email address, as an operator might have it from a support ticket.
        var run = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, "users", "extend-expiry", ivy.Email.ToUpperInvariant(), "--days", "10");

        // Assert
        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = changedAt.AddDays(40);
        Assert.Contains($"Extended {ivy.Username}'s password expiry by 10 days: it now expires on {PasswordExpiryReminders.Utc(expected)}.", run.Stdout, StringComparison.Ordinal);
        var stored = await StoredAsync(ivy.Id);
        Assert.Equal(10, stored.PasswordExpiryExtensionDays);
        Assert.Equal(expected, ExpiresAt(stored));
        Assert.Equal(ReasonCodes.SignedIn, await SignInCodeAsync(ivy));
    }

    [Theory]
    [InlineData("unknown", "10", "signpost: No account has the identifier 'nobody-at-all'.")]
    [InlineData("known", "0", "signpost: --days must be between 1 and 365.")]
    [InlineData("known", "366", "signpost: --days must be between 1 and 365.")]
    public async Task Cli_ExtendExpiry_UnknownAccountOrDaysOutOfRange_ExitsOneAndChangesNothing(string who, string days, string error)
    {
        var (ivy, _) = await ExpiredMemberAsync();

        var run = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null,
            "users", "extend-expiry", who == "known" ? ivy.Username : "nobody-at-all", "--days", days);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([error], run.StderrLines);
        Assert.Equal(0, (await StoredAsync(ivy.Id)).PasswordExpiryExtensionDays);
    }

    private static HttpContent Body(string name) => name switch
    {
        "zero days" => Json("""{"days":0}"""),
        "negative days" => Json("""{"days":-30}"""),
        "366 days" => Json("""{"days":366}"""),
        "beyond Int32" => Json("""{"days":2147483648}"""),
        "huge exponent" => Json("""{"days":1e400}"""),
        "fraction" => Json("""{"days":30.5}"""),
        "days as string" => Json("""{"days":"30"}"""),
        "days null" => Json("""{"days":null}"""),
        "missing days" => Json("""{"day":30}"""),
        "repeated key" => Json("""{"days":1,"days":365}"""),
        "JSON array" => Json("[30]"),
        "empty body" => Json(""),
        "not JSON" => Json("days=30"),
        "deeply nested JSON" => Json(string.Concat(Enumerable.Repeat("{\"days\":", 50)) + "1" + new string('}', 50)),
        "invalid UTF-8" => Bytes([.. """{"days":30,"note":"a"""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8], "application/json"),
        "form content type" => new FormUrlEncodedContent([new("days", "30")]),
        "no content type" => Bytes("""{"days":30}"""u8.ToArray(), null),
        "oversized body" => Json($$"""{"days":30,"padding":"{{new string(' ', 2048)}}"}"""),
        "oversized body without length" => Chunked(Encoding.UTF8.GetBytes($$"""{"days":30,"padding":"{{new string('p', 4096)}}"}""")),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static ByteArrayContent Bytes(byte[] bytes, string? mediaType)
    {
        var content = new ByteArrayContent(bytes);
        if (mediaType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }

        return content;
    }

    /// <summary>A body whose length is not announced, so the server must stop reading by itself.</summary>
    private static StreamContent Chunked(byte[] bytes)
    {
        var content = new StreamContent(new UnseekableStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
