using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace Signpost.Web.Tests.Infrastructure;

/// <summary>A form as the page rendered it: where it posts and the values of its fields, hidden ones included.</summary>
public sealed class HtmlForm
{
    public const string TokenField = "__RequestVerificationToken";
    public const string StampField = "form_stamp";

    private HtmlForm(string action, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        Action = action;
        Fields = fields;
    }

    /// <summary>The path the form posts to: its <c>action</c>, or the page's own address when it has none.</summary>
    public string Action { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; }

    public string Value(string name) => Fields.Single(f => f.Key == name).Value;

    public static HtmlForm From(IHtmlDocument document, string pagePath, string selector = "main form[method=post]")
    {
        var form = document.QuerySelector(selector) as IHtmlFormElement
            ?? throw new InvalidOperationException($"No form matches '{selector}' on {pagePath}.");
        var fields = form.QuerySelectorAll("input[name]")
            .Cast<IHtmlInputElement>()
            .Where(i => i.Type is not ("submit" or "button"))
            .Select(i => new KeyValuePair<string, string>(i.Name!, i.Value))
            .ToList();
        var action = form.GetAttribute("action") is { Length: > 0 } a ? a : pagePath;
        return new HtmlForm(action, fields);
    }

    /// <summary>The fields with <paramref name="values"/> typed in (replacing what was there, adding what was not).</summary>
    public List<KeyValuePair<string, string>> With(IEnumerable<KeyValuePair<string, string>> values)
    {
        var typed = values.ToList();
        var result = Fields.Where(f => typed.All(t => t.Key != f.Key)).ToList();
        result.AddRange(typed);
        return result;
    }

    /// <summary>The fields without the ones named (to post a form that lost some of them).</summary>
    public List<KeyValuePair<string, string>> Without(params string[] names) =>
        Fields.Where(f => !names.Contains(f.Key)).ToList();
}
