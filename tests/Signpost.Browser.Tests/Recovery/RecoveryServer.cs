using System.Globalization;
using System.Text.RegularExpressions;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Web.Tests.Email;

namespace Signpost.Browser.Tests.Recovery;

/// <summary>
/// A <c>signpost --demo</c> of its own for the recovery tests, sending its mail to a real SMTP server
/// (tests/tools/smtp-sink) so a test reads the link a person would click. Its own app, because recovery
/// changes the demo accounts' passwords and locks, which the rest of the suite relies on. No response
/// floor: the tests are not about timing. Links point at the app because PublicBaseUrl defaults to --urls.
/// </summary>
public sealed partial class RecoveryServer : IAsyncLifetime
{
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(30);

    private SmtpSink? _smtp;
    private SignpostServer? _server;

    public SignpostServer Server => _server ?? throw NotStarted();

    public SmtpSink Smtp => _smtp ?? throw NotStarted();

    /// <summary>Taken just before the app started: the demo locks demo.locked for a day from its start-up, so until no earlier than a day after this.</summary>
    public DateTimeOffset StartedAt { get; private set; }

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        StartedAt = DateTimeOffset.UtcNow;
        try
        {
            _server = await SignpostServer.StartAsync(
            [
                "--Signpost:Email:Host=127.0.0.1",
                "--Signpost:Email:Port=" + _smtp.Port.ToString(CultureInfo.InvariantCulture),
                "--Signpost:Email:Security=None",
                "--Signpost:Recovery:MinimumResponseMilliseconds=0",
                // Every browser of the tests comes from 127.0.0.1: the per-address limit (10 a window) is for real clients.
                "--Signpost:Recovery:PerAddressLimit=1000",
            ]);
        }
        catch
        {
            await _smtp.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
        }
    }

    /// <summary>The messages sent to <paramref name="address"/>, oldest first, once at least <paramref name="count"/> arrived.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> MailForAsync(string address, int count = 1)
    {
        var deadline = DateTime.UtcNow + MailTimeout;
        while (true)
        {
            var mine = Smtp.Received().Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase)).ToList();
            if (mine.Count >= count)
            {
                return mine;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"Expected {count} message(s) for {address} at the SMTP sink within {MailTimeout.TotalSeconds:0} s, got {mine.Count}. The app said:\n{Server.Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The absolute link to <paramref name="path"/> in a message; fails unless it points at this app.</summary>
    public string LinkIn(ReceivedMail mail, string path)
    {
        var match = LinkPattern().Matches(mail.Text).FirstOrDefault(m => m.Groups["path"].Value == path)
            ?? throw new InvalidOperationException($"No {path}?token= link in \"{mail.Subject}\":\n{mail.Text}");
        Assert.Equal(Server.BaseAddress.GetLeftPart(UriPartial.Authority), match.Groups["base"].Value);
        return match.Value;
    }

    /// <summary>The link with the last character of its token changed: the shape of a real link, but never issued.</summary>
    public static string Tampered(string link)
    {
        var last = link[^1];
        return link[..^1] + (last == 'A' ? 'B' : 'A');
    }

    [GeneratedRegex(@"(?<base>https?://[^/\s]+)(?<path>/[a-z/-]+)\?token=(?<token>[A-Za-z0-9_-]+)")]
    private static partial Regex LinkPattern();

    private static InvalidOperationException NotStarted() => new("The recovery server has not started.");
}
