using System.Collections.Concurrent;
using Signpost.Core.Email;

namespace Signpost.Core.Tests.Fakes;

/// <summary>Keeps every message it is given; <see cref="BeforeSend"/> lets a test fail a send or act in the middle of a run.</summary>
public sealed class RecordingEmailSender : IEmailSender
{
    public ConcurrentQueue<EmailMessage> Sent { get; } = new();

    public int Attempts { get; private set; }

    /// <summary>Runs before each message is taken; throw from it to fail that send.</summary>
    public Func<EmailMessage, Task>? BeforeSend { get; set; }

    public static EmailDeliveryException ServerDown() => new("Could not send email through smtp.test:25: cannot connect (ConnectionRefused)", serverUnavailable: true);

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        Attempts++;
        if (BeforeSend is not null)
        {
            await BeforeSend(message);
        }

        Sent.Enqueue(message);
    }
}
