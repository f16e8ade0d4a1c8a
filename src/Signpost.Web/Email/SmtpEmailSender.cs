using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using Signpost.Core.Email;

namespace Signpost.Web.Email;

/// <summary>Sends through the configured SMTP server with MailKit, one connection per message.</summary>
internal sealed partial class SmtpEmailSender(IOptionsMonitor<EmailOptions> options, TimeProvider time, ILogger<SmtpEmailSender> logger) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var host = settings.Host!.Trim();
        var port = settings.EffectivePort;
        var mime = MimeMessages.Create(message, settings.From, time.GetUtcNow());
        using var client = new SmtpClient { Timeout = settings.TimeoutSeconds * 1000 };
        try
        {
            await client.ConnectAsync(host, port, Secure(settings.Security), cancellationToken);
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
            }

            await client.SendAsync(mime, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var (reason, serverUnavailable) = Describe(ex);
            if (reason is null)
            {
                throw;
            }

            throw new EmailDeliveryException($"Could not send email through {host}:{port}: {reason}", serverUnavailable, ex);
        }

        LogSent(logger, mime.MessageId ?? "", message.To.Count, host, port);
    }

    private static SecureSocketOptions Secure(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };

    /// <summary>Why the send failed, and whether every other message would fail the same way now; null for a bug.</summary>
    private static (string? Reason, bool ServerUnavailable) Describe(Exception ex) => ex switch
    {
        // A 5xx refusal of this message or one of its recipients: others may still go through.
        SmtpCommandException { ErrorCode: SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted } command when (int)command.StatusCode >= 500 =>
            ($"the server refused the message ({(int)command.StatusCode} {command.Message.Trim()})", false),
        SmtpCommandException command => ($"the server answered {(int)command.StatusCode} {command.Message.Trim()}", true),
        AuthenticationException => ("the server did not accept Signpost:Email:UserName and Signpost:Email:Password", true),
        SslHandshakeException => ("the TLS handshake failed (check Signpost:Email:Security and the server's certificate)", true),
        SmtpProtocolException protocol => ($"the conversation broke off ({protocol.Message.Trim()})", true),
        SocketException socket => ($"cannot connect ({socket.SocketErrorCode})", true),
        TimeoutException or OperationCanceledException => ("the server did not answer in time (Signpost:Email:TimeoutSeconds)", true),
        IOException io => ($"the connection failed ({io.Message.Trim()})", true),
        ServiceNotConnectedException or ServiceNotAuthenticatedException => ("the connection was lost", true),
        NotSupportedException notSupported => ($"{notSupported.Message.Trim()} (check Signpost:Email:Security)", true),
        _ => (null, false),
    };


    [LoggerMessage(EventId = 3001, EventName = "SmtpEmailSender.Sent", Level = LogLevel.Debug, Message = "Sent email {MessageId} to {Recipients} recipient(s) through {Host}:{Port}")]
    private static partial void LogSent(ILogger logger, string messageId, int recipients, string host, int port);
}
