using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Web.Platform;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Platform;

/// <summary>Signed-in browsers for the platform and console tests: a platform admin, a practice admin, staff.</summary>
internal static class PlatformPeople
{
    public static async Task<(Account Account, TestBrowser Browser)> SignedInAsync(SignpostFactory app, string prefix, string? slug, PlatformRoles platformRoles = PlatformRoles.None, PracticeRoles roles = PracticeRoles.Staff)
    {
        var username = TestAccounts.Unique(prefix);
        var account = await app.WithServicesAsync(services => services.GetRequiredService<PlatformProvisioning>().CreateAccountAsync(
            slug, username, $"{username}@clinic.example", username + " Person", null, slug is null ? PracticeRoles.None : roles, platformRoles,
            TestAccounts.Password, CancellationToken.None).Done());
        var browser = app.CreateBrowser();
        var signedIn = await browser.SignInAsync(account.Username, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return (account, browser);
    }

    /// <summary>
    /// Opens <paramref name="path"/>, fills the form matched by <paramref name="selector"/> the way a browser does
    /// (hidden fields, unchecked checkboxes left out, selects at their selected option, text areas as shown), types <paramref name="values"/>
    /// over it (a typed name replaces every field of that name) and submits.
    /// </summary>
    public static async Task<HttpResponseMessage> PostAsync(TestBrowser browser, string path, string selector, params (string Name, string Value)[] values)
    {
        var (response, document) = await browser.GetPageAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var form = document.QuerySelector(selector) as IHtmlFormElement ?? throw new InvalidOperationException($"No form matches '{selector}' on {path}.");
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.QuerySelectorAll("input[name], select[name], textarea[name]"))
        {
            switch (element)
            {
                case IHtmlInputElement input when input.Type is "submit" or "button" || (input.Type == "checkbox" && !input.IsChecked):
                    break;
                case IHtmlInputElement input:
                    fields.Add(new(input.Name!, input.Value));
                    break;
                case IHtmlSelectElement select:
                    fields.Add(new(select.Name!, select.Value ?? ""));
                    break;
                case IHtmlTextAreaElement area:
                    fields.Add(new(area.Name!, area.Value));
                    break;
            }
        }

        var typed = values.GroupBy(v => v.Name).Select(g => new KeyValuePair<string, string>(g.Key, g.Last().Value)).ToList();
        fields = [.. fields.Where(f => typed.All(t => t.Key != f.Key)), .. typed];
        var action = form.GetAttribute("action") is { Length: > 0 } a ? a : path;
        return await browser.Http.PostAsync(new Uri(action, UriKind.Relative), new FormUrlEncodedContent(fields));
    }
}
