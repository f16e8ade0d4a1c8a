using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.BadInput;

/// <summary>
/// Malformed posts of the sign-in form: the page answers with a form error carrying <c>invalid_request</c>,
/// a trace ID and an event, and never a 500.
/// </summary>
public sealed class PageBadInputTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    public static TheoryData<string, string> Cases() => new()
    {
        { "empty fields", "Enter your provider ID, email or NPI." },
        { "missing fields", "Enter your provider ID, email or NPI." },
        { "10,000-character identifier", "The identifier is longer than 254 characters." },
        { "10,000-character password", "The password is longer than 1024 characters." },
        { "1,025-character password", "The password is longer than 1024 characters." },
        { "control characters", "The identifier contains control characters." },
        { "invalid UTF-8 bytes", "not UTF-8 text" },
        { "oversized body", "The form could not be read" },
        { "text/plain", "is not a form" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task PageSignIn_MalformedPost_FormErrorWithInvalidRequestAndEvent(string name, string detail)
    {
        // Arrange: a real visit, so the anti-forgery cookie, token and stamp are all valid.
        using var browser = app.CreateBrowser();
        var form = await browser.OpenFormAsync("/sign-in");

        // Act
        var response = await browser.Http.PostAsync("/sign-in", Body(name, form));

        // Assert
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType,
            $"{name}: {(int)response.StatusCode}");
        var failure = PageFailure.Read(await TestBrowser.ParseAsync(response));
        Assert.Equal(ReasonCodes.InvalidRequest, failure.Code);
        Assert.Equal($"/help/codes/{ReasonCodes.InvalidRequest}", failure.HelpHref);
        var recorded = await app.EventAsync(failure.TraceId);
        Assert.Equal(ReasonCodes.InvalidRequest, recorded.ReasonCode);
        Assert.Equal(SignInMethod.Password, recorded.Method);
        Assert.Null(recorded.AccountId);
        Assert.Contains(detail, recorded.Detail, StringComparison.Ordinal);
        Assert.True(recorded.Identifier is null or { Length: <= SignInEvent.MaxIdentifierLength });
        Assert.Null(browser.Cookie("sp_session"));
    }

    [Fact]
    public async Task PageSignIn_PercentEncodedInvalidUtf8_TreatedAsUnrecognisedIdentifier()
    {
        // Arrange: %C3%28 is not UTF-8. ASP.NET Core's form reader keeps such escapes as typed text,
        // so the identifier is simply one that no account has.
        using var browser = app.CreateBrowser();
        var form = await browser.OpenFormAsync("/sign-in");

        // Act
        var response = await browser.Http.PostAsync("/sign-in", RawForm(form, "identifier=da%C3%28%FFna&password=some+password"u8.ToArray()));

        // Assert: the usual form error and event, not a 500.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var failure = PageFailure.Read(await TestBrowser.ParseAsync(response));
        Assert.Equal(ReasonCodes.InvalidCredentials, failure.Code);
        var recorded = await app.EventAsync(failure.TraceId);
        Assert.Equal(ReasonCodes.InvalidCredentials, recorded.ReasonCode);
        Assert.Equal("da%C3(%FFna", recorded.Identifier);
        Assert.Null(recorded.AccountId);
    }

    private static HttpContent Body(string name, HtmlForm form) => name switch
    {
        "empty fields" => Form(form, "", ""),
        "missing fields" => new FormUrlEncodedContent(form.Without("identifier", "password")),
        "10,000-character identifier" => Form(form, new string('a', 10_000), "p"),
        "10,000-character password" => Form(form, "someone", new string('p', 10_000)),
        "1,025-character password" => Form(form, "someone", new string('p', 1025)),
        "control characters" => Form(form, "dana\u0007\u001b[2Jadmin", "p"),
        "invalid UTF-8 bytes" => RawForm(form, [.. "identifier=da"u8, 0xC3, 0x28, 0xFF, .. "na&password=some+password"u8]),
        "oversized body" => Form(form, "someone", new string('p', 5 * 1024 * 1024)),
        "text/plain" => new StringContent("identifier=someone&password=p", Encoding.UTF8, "text/plain"),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static FormUrlEncodedContent Form(HtmlForm form, string identifier, string password) =>
        new(form.With([new("identifier", identifier), new("password", password)]));

    /// <summary>The form's own hidden fields, then fields written byte by byte (bytes a browser would never send).</summary>
    private static ByteArrayContent RawForm(HtmlForm form, byte[] typed)
    {
        var hidden = string.Join('&', form.Without("identifier", "password").Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
        var content = new ByteArrayContent([.. Encoding.ASCII.GetBytes(hidden + "&"), .. typed]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded"); // no charset: UTF-8, as browsers send
        return content;
    }
}
