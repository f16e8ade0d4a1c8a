using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.Extensions.Options;
using MimeKit;
using Signpost.Web.Email;
using Signpost.Web.Infrastructure;
using Signpost.Web.Setup;

namespace Signpost.Web.Pages.Dev;

/// <summary>
/// The demo only (<c>signpost --demo</c>), asked from this machine only: the messages in the pickup folder,
/// newest first, and one message's text part, so a newcomer running the demo without a mail server can
/// follow the links Signpost sends. Anywhere else, and to any other address, the page does not exist
/// (404): mail holds links that act as credentials, the platform administrator's among them.
/// </summary>
public sealed partial class MailModel(DemoMode demo, IOptions<EmailOptions> email, IOptions<SignpostOptions> signpost) : PageModel
{
    public const int MaxListed = 200;

    public IReadOnlyList<MailSummary> Messages { get; private set; } = [];

    public MailSummary? Shown { get; private set; }

    public string? ShownText { get; private set; }

    public string Folder => email.Value.PickupDirectory!;

    public bool UsesSmtp => email.Value.UsesSmtp;

    public IActionResult OnGet(string? id)
    {
        if (!demo.Enabled || !DemoMode.IsLoopbackClient(HttpContext))
        {
            return NotFound();
        }

        if (id is not null)
        {
            // The ID is a file name this page listed: letters, digits and dashes, so no path can be smuggled in.
            var path = Path.Combine(Folder, id + PickupEmailSender.Extension);
            if (!IdPattern().IsMatch(id) || !System.IO.File.Exists(path))
            {
                return NotFound();
            }

            var message = MimeMessage.Load(path);
            Shown = Summarize(id, message);
            ShownText = message.TextBody ?? "(This message has no text part.)";
            return Page();
        }

        if (Directory.Exists(Folder))
        {
            Messages = new DirectoryInfo(Folder).EnumerateFiles("*" + PickupEmailSender.Extension)
                .OrderByDescending(f => f.Name, StringComparer.Ordinal)
                .Take(MaxListed)
                .Select(f => Summarize(Path.GetFileNameWithoutExtension(f.Name), MimeMessage.Load(f.FullName)))
                .ToList();
        }

        return Page();
    }

    /// <summary>
    /// The text, HTML-encoded, with links under the public base URL made clickable; any other link stays
    /// text. Built as encoded pieces (never raw strings) so whitespace inside the &lt;pre&gt; stays exact.
    /// </summary>
    public IHtmlContent Render(string text)
    {
        var baseUrl = signpost.Value.PublicBaseUrl.TrimEnd('/');
        var html = new HtmlContentBuilder();
        var at = 0;
        foreach (Match match in UrlPattern().Matches(text))
        {
            html.Append(text[at..match.Index]);
            var url = match.Value.TrimEnd('.', ',', ')', ';');
            if (url.Equals(baseUrl, StringComparison.OrdinalIgnoreCase) || url.StartsWith(baseUrl + "/", StringComparison.OrdinalIgnoreCase))
            {
                var link = new TagBuilder("a");
                link.Attributes["href"] = url;
                link.InnerHtml.Append(url);
                html.AppendHtml(link);
            }
            else
            {
                html.Append(url);
            }

            at = match.Index + url.Length;
        }

        return html.Append(text[at..]);
    }

    private static MailSummary Summarize(string id, MimeMessage message) =>
        new(id, message.Subject ?? "(no subject)", string.Join(", ", message.To.Mailboxes.Select(m => m.Address)), message.Date.ToUniversalTime());

    [GeneratedRegex("^[A-Za-z0-9-]{1,100}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex UrlPattern();
}

public sealed record MailSummary(string Id, string Subject, string To, DateTimeOffset Date);
