using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Signpost.Web.Tests.Infrastructure;

/// <summary>
/// One browser (or app): an HTTP client with its own cookie jar. It opens pages, fills their forms
/// (keeping the anti-forgery token and form stamp the page issued) and posts them, as a person would.
/// </summary>
public sealed class TestBrowser(HttpClient http, CookieContainer cookies) : IDisposable
{
    public const string SupportedChrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/155.0.0.0 Safari/537.36";

    public static readonly Uri BaseUri = new("http://localhost");

    private static readonly HtmlParser Parser = new();

    public HttpClient Http { get; } = http;

    public CookieContainer Cookies { get; } = cookies;

    public string? Cookie(string name) => Cookies.GetCookies(BaseUri)[name]?.Value;

    public IEnumerable<Cookie> AllCookies() => Cookies.GetCookies(BaseUri);

    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(new Uri(path, UriKind.Relative));

    public async Task<(HttpResponseMessage Response, IHtmlDocument Document)> GetPageAsync(string path)
    {
        var response = await GetAsync(path);
        return (response, await ParseAsync(response));
    }

    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response) =>
        Parser.ParseDocument(await response.Content.ReadAsStringAsync());

    /// <summary>GETs a page and reads the post form chosen by <paramref name="formSelector"/> (the first post form by default).</summary>
    public async Task<HtmlForm> OpenFormAsync(string path, string formSelector = "main form[method=post]")
    {
        var (response, document) = await GetPageAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return HtmlForm.From(document, path, formSelector);
    }

    public Task<HttpResponseMessage> SubmitAsync(HtmlForm form, IEnumerable<KeyValuePair<string, string>>? values = null)
    {
        var fields = form.With(values ?? []);
        return Http.PostAsync(new Uri(form.Action, UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    /// <summary>Opens the sign-in page at <paramref name="path"/>, types the identifier and password, and submits.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string identifier, string password, string path = "/sign-in")
    {
        var form = await OpenFormAsync(path);
        return await SubmitAsync(form, [new("identifier", identifier), new("password", password)]);
    }

    public Task<HttpResponseMessage> ApiSignInAsync(string identifier, string password) =>
        Http.PostAsJsonAsync("/api/v1/sign-in", new { identifier, password });

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    public void Dispose() => Http.Dispose();
}
