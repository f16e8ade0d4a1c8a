using MimeKit;
using MimeKit.Utils;
using Signpost.Core.Email;

namespace Signpost.Web.Email;

/// <summary>Turns Signpost's <see cref="EmailMessage"/> into a MIME message: UTF-8 text, an HTML alternative when given.</summary>
internal static class MimeMessages
{
    public static MimeMessage Create(EmailMessage message, string from, DateTimeOffset now)
    {
        var sender = MailboxAddress.Parse(from);
        var mime = new MimeMessage { Subject = message.Subject, Date = now };
        mime.From.Add(sender);
        foreach (var to in message.To)
        {
            mime.To.Add(new MailboxAddress(to.Name, to.Address));
        }

        var domain = sender.Domain is { Length: > 0 } d ? d : "signpost.local";
        mime.MessageId = MimeUtils.GenerateMessageId(domain);
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        return mime;
    }
}
