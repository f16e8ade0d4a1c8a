using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.BadInput;

/// <summary>
/// Malformed sign-in requests to the API: each gets a clear 4xx problem with <c>invalid_request</c>, an
/// event under its trace ID, and never a 500.
/// </summary>
public sealed class ApiBadInputTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    private static readonly string TenThousand = new('a', 10_000);

    public static TheoryData<string, HttpStatusCode, string> Cases() => new()
    {
        { "empty fields", HttpStatusCode.BadRequest, "Enter your provider ID, email or NPI." },
        { "10,000-character identifier", HttpStatusCode.BadRequest, "The identifier is longer than 254 characters." },
        { "10,000-character password", HttpStatusCode.BadRequest, "The password is longer than 1024 characters." },
        { "1,025-character password", HttpStatusCode.BadRequest, "The password is longer than 1024 characters." },
        { "control characters", HttpStatusCode.BadRequest, "The identifier contains control characters." },
        { "escaped NUL", HttpStatusCode.BadRequest, "The identifier contains control characters." },
        { "lone surrogate escape", HttpStatusCode.BadRequest, "The field 'identifier' is not valid UTF-8 text." },
        { "invalid UTF-8 bytes", HttpStatusCode.BadRequest, "The field 'identifier' is not valid UTF-8 text." },
        { "invalid UTF-8 outside strings", HttpStatusCode.BadRequest, "The body is not valid JSON (or not valid UTF-8)." },
        { "missing password", HttpStatusCode.BadRequest, "The field 'password' is required." },
        { "null identifier", HttpStatusCode.BadRequest, "The field 'identifier' is required." },
        { "non-string fields", HttpStatusCode.BadRequest, "The field 'password' must be a string." },
        { "JSON array", HttpStatusCode.BadRequest, "The body must be a JSON object with identifier and password." },
        { "JSON number", HttpStatusCode.BadRequest, "The body must be a JSON object with identifier and password." },
        { "empty body", HttpStatusCode.BadRequest, "The body is not valid JSON (or not valid UTF-8)." },
        { "deeply nested JSON", HttpStatusCode.BadRequest, "The body is not valid JSON (or not valid UTF-8)." },
        { "five levels deep", HttpStatusCode.BadRequest, "It may nest at most 4 deep and give each key once." },
        { "repeated key", HttpStatusCode.BadRequest, "It may nest at most 4 deep and give each key once." },
        { "text/plain", HttpStatusCode.UnsupportedMediaType, "Send the body as application/json." },
        { "form content type", HttpStatusCode.UnsupportedMediaType, "Send the body as application/json." },
        { "no content type", HttpStatusCode.UnsupportedMediaType, "Send the body as application/json." },
        { "oversized body", HttpStatusCode.RequestEntityTooLarge, "The body is larger than 16384 bytes." },
        { "oversized body without length", HttpStatusCode.RequestEntityTooLarge, "The body is larger than 16384 bytes." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ApiSignIn_MalformedRequest_ProblemWithInvalidRequestAndEvent(string name, HttpStatusCode status, string detail)
    {
        // Arrange
        using var client = app.CreateBrowser();

        // Act
        var response = await client.Http.PostAsync("/api/v1/sign-in", Body(name));

        // Assert: a clear problem, never a 500...
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await TestBrowser.JsonAsync(response);
        Assert.Equal(ReasonCodes.InvalidRequest, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal($"{SignpostFactory.PublicBaseUrl}/help/codes/{ReasonCodes.InvalidRequest}", problem.GetProperty("type").GetString());
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(errors, e => e!.Contains(detail, StringComparison.Ordinal));

        // ...and the attempt is on record under the trace ID the client was given.
        var recorded = await app.EventAsync(problem.GetProperty("traceId").GetString()!);
        Assert.Equal(ReasonCodes.InvalidRequest, recorded.ReasonCode);
        Assert.Equal(SignInMethod.Api, recorded.Method);
        Assert.False(recorded.Succeeded);
        Assert.Null(recorded.AccountId);
        Assert.Contains(detail, recorded.Detail, StringComparison.Ordinal);

        Assert.True(recorded.Identifier is null or { Length: <= SignInEvent.MaxIdentifierLength });
        Assert.DoesNotContain(recorded.Identifier ?? "", char.IsControl);
    }

    [Fact]
    public async Task ApiSignIn_PasswordOf1025Characters_RefusedBeforeHashingEvenForRealAccount()
    {
        // Arrange: a real account, and its password padded past the limit.
        var account = await app.CreateAccountAsync(TestAccounts.Unique("vic"), null);
        using var client = app.CreateBrowser();
        var tooLong = TestAccounts.Password + new string('x', 1025 - TestAccounts.Password.Length);

        // Act
        var response = await client.ApiSignInAsync(account.Username, tooLong);

        // Assert: refused as input, so the account was never looked up and nothing was counted.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await TestBrowser.JsonAsync(response);
        Assert.Equal(ReasonCodes.InvalidRequest, problem.GetProperty("code").GetString());
        var recorded = await app.EventAsync(problem.GetProperty("traceId").GetString()!);
        Assert.Equal(ReasonCodes.InvalidRequest, recorded.ReasonCode);
        Assert.Equal("The password is longer than 1024 characters.", recorded.Detail);
        Assert.Null(recorded.AccountId);
        Assert.Null(recorded.IdentifierKind);
        Assert.False(await app.WithDbAsync(db => db.LockoutCounters.AnyAsync(c => c.AccountId == account.Id)));
    }

    private static HttpContent Body(string name) => name switch
    {
        "empty fields" => Json("""{"identifier":"","password":""}"""),
        "10,000-character identifier" => Json($$"""{"identifier":"{{TenThousand}}","password":"p"}"""),
        "10,000-character password" => Json($$"""{"identifier":"someone","password":"{{TenThousand}}"}"""),
        "1,025-character password" => Json($$"""{"identifier":"someone","password":"{{new string('p', 1025)}}"}"""),
        "control characters" => Json("{\"identifier\":\"dana\\u0007\\u001b[2Jadmin\",\"password\":\"p\"}"),
        "escaped NUL" => Json("{\"identifier\":\"dana\\u0000\",\"password\":\"p\"}"),
        "lone surrogate escape" => Json("{\"identifier\":\"dana\\ud800\",\"password\":\"p\"}"),
        "invalid UTF-8 bytes" => Bytes([.. """{"identifier":"da"""u8, 0xC3, 0x28, 0xFF, .. """na","password":"p"}"""u8], "application/json"),
        "invalid UTF-8 outside strings" => Bytes([.. """{"identifier":"dana","password":"p"}"""u8, 0xFF, 0xFE], "application/json"),
        "missing password" => Json("""{"identifier":"someone"}"""),
        "null identifier" => Json("""{"identifier":null,"password":"p"}"""),
        "non-string fields" => Json("""{"identifier":12345,"password":true}"""),
        "JSON array" => Json("""["someone","p"]"""),
        "JSON number" => Json("42"),
        "empty body" => Json(""),
        "deeply nested JSON" => Json(string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)),
        "five levels deep" => Json("""{"identifier":"someone","password":"p","extra":{"a":{"b":{"c":{}}}}}"""),
        "repeated key" => Json("""{"identifier":"someone","password":"p","identifier":"admin"}"""),
        "text/plain" => new StringContent("""{"identifier":"someone","password":"p"}""", Encoding.UTF8, "text/plain"),
        "form content type" => new FormUrlEncodedContent([new("identifier", "someone"), new("password", "p")]),
        "no content type" => Bytes("""{"identifier":"someone","password":"p"}"""u8.ToArray(), null),
        "oversized body" => Json($$"""{"identifier":"someone","password":"p","padding":"{{new string(' ', 17 * 1024)}}"}"""),
        "oversized body without length" => Chunked(Encoding.UTF8.GetBytes($$"""{"identifier":"someone","password":"{{new string('p', 20 * 1024)}}"}""")),
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
