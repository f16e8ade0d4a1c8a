namespace Signpost.Core.Email;

/// <summary>Sends email: over SMTP when a server is configured, otherwise into a pickup folder.</summary>
public interface IEmailSender
{
    /// <summary>Hands the message over for delivery.</summary>
    /// <exception cref="EmailDeliveryException">The message was not accepted (server down, refused, timed out).</exception>
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// A message that was not handed over. Callers turn it into an outcome (retry later, tell the user the
/// email could not be sent) and must treat the message as not sent: nothing depending on it is recorded.
/// </summary>
/// <param name="message">What failed, for the log; no credentials, no message content.</param>
/// <param name="serverUnavailable">
/// True when the server could not be reached or asked to try later (connection refused, timeout, a 4xx
/// reply): every message would fail now. False when it refused this message (a 5xx reply, say an unknown recipient).
/// </param>
/// <param name="innerException">The client library's exception.</param>
public sealed class EmailDeliveryException(string message, bool serverUnavailable, Exception? innerException = null)
    : Exception(message, innerException)
{
    public bool ServerUnavailable { get; } = serverUnavailable;
}
