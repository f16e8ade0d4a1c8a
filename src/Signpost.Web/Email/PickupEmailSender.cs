using Microsoft.Extensions.Options;
using Signpost.Core.Email;

namespace Signpost.Web.Email;

/// <summary>
/// The embedded default when no SMTP host is configured: each message becomes one .eml file in the pickup
/// folder (any mail client opens it; /dev/mail lists them in the demo). Written under a temporary name
/// and renamed, so a reader never sees half a message.
/// </summary>
internal sealed partial class PickupEmailSender(IOptionsMonitor<EmailOptions> options, TimeProvider time, ILogger<PickupEmailSender> logger) : IEmailSender
{
    public const string Extension = ".eml";

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var folder = settings.PickupDirectory!;
        var now = time.GetUtcNow();
        var mime = MimeMessages.Create(message, settings.From, now);
        var name = $"{now.UtcDateTime:yyyyMMdd-HHmmss-fff}-{Guid.NewGuid():N}";
        var path = Path.Combine(folder, name + Extension);
        var partial = Path.Combine(folder, name + ".tmp");
        try
        {
            Directory.CreateDirectory(folder);
            await using (var stream = File.Create(partial))
            {
                await mime.WriteToAsync(stream, cancellationToken);
            }

            File.Move(partial, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(partial);
            throw new EmailDeliveryException($"Could not write the email to the pickup folder {folder}: {ex.Message}", serverUnavailable: true, ex);
        }

        LogWritten(logger, name + Extension, message.To.Count, folder);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: a stray .tmp file is never listed.
        }
    }

    [LoggerMessage(EventId = 3002, EventName = "PickupEmailSender.Written", Level = LogLevel.Information, Message = "Wrote email {File} for {Recipients} recipient(s) to the pickup folder {Folder}")]
    private static partial void LogWritten(ILogger logger, string file, int recipients, string folder);
}
