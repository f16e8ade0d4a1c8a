using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Signpost.Core.Events;

namespace Signpost.Web.Incidents;

/// <summary>
/// The hand-over from a sign-in to the escalation rules: a bounded in-memory channel. Writing never
/// waits — when the queue is full the event is dropped here and the catch-up sweep evaluates it from
/// the database — so a slow rule, database or mail server never slows a sign-in.
/// </summary>
public sealed partial class EscalationQueue(IOptions<IncidentOptions> options, ILogger<EscalationQueue> logger) : ISignInEventListener
{
    private readonly Channel<SignInEvent> _channel = Channel.CreateBounded<SignInEvent>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private long _dropped;

    public ChannelReader<SignInEvent> Reader => _channel.Reader;

    /// <summary>Events not queued because the queue was full (left to the sweep).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Recorded(SignInEvent signInEvent)
    {
        if (!options.Value.Enabled || !_channel.Writer.TryWrite(signInEvent))
        {
            if (Interlocked.Increment(ref _dropped) % 1000 == 1)
            {
                LogQueueFull(logger, signInEvent.Id);
            }
        }
    }

    [LoggerMessage(EventId = 3201, EventName = "EscalationQueue.QueueFull", Level = LogLevel.Warning, Message = "Escalation queue full or off; event {EventId} is left to the catch-up sweep")]
    private static partial void LogQueueFull(ILogger logger, long eventId);
}
