using System.Globalization;
using System.Text;
using Signpost.Core.Administration;
using Signpost.Core.Documents;

namespace Signpost.Core.Maintenance;

/// <summary>
/// The downtime procedure: what a practice does while the portal is down. Operators write it in Markdown;
/// practice administrators read it, linked from every maintenance notice.
/// </summary>
public sealed class DowntimeProcedure(ISiteDocumentStore store, TimeProvider time)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public Task<SiteDocument?> FindAsync(CancellationToken cancellationToken) =>
        store.FindAsync(SiteDocumentKeys.DowntimeProcedure, cancellationToken);

    public Task<bool> ExistsAsync(CancellationToken cancellationToken) =>
        store.ExistsAsync(SiteDocumentKeys.DowntimeProcedure, cancellationToken);

    /// <summary>Replaces the procedure with <paramref name="markdown"/>; refuses an empty or oversized text.</summary>
    public async Task<AdminResult<SiteDocument>> SaveAsync(string markdown, string? actor, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return AdminResult.Invalid("markdown", "The downtime procedure is empty; write what practices should do while the portal is down.");
        }

        var bytes = Encoding.UTF8.GetByteCount(markdown);
        if (bytes > SiteDocument.MaxBytes)
        {
            return AdminResult.Invalid("markdown", TooLarge("The downtime procedure", bytes));
        }

        var document = new SiteDocument
        {
            Key = SiteDocumentKeys.DowntimeProcedure,
            Markdown = markdown,
            UpdatedAt = time.GetUtcNow(),
            UpdatedBy = actor,
        };
        await store.SaveAsync(document, cancellationToken);
        return document;
    }

    /// <summary>
    /// The text of a file as an operator gave it: at most <see cref="SiteDocument.MaxBytes"/> bytes of UTF-8
    /// (a byte-order mark is dropped). Anything else is refused (invalid) with one sentence naming <paramref name="source"/>.
    /// </summary>
    public static AdminResult<string> Decode(ReadOnlySpan<byte> content, string source)
    {
        if (content.Length > SiteDocument.MaxBytes)
        {
            return AdminResult.Invalid("file", TooLarge(source, content.Length));
        }

        ReadOnlySpan<byte> byteOrderMark = [0xEF, 0xBB, 0xBF];
        if (content.StartsWith(byteOrderMark))
        {
            content = content[byteOrderMark.Length..];
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            // The strict decoder's only way to say so; turned into the answer here.
            return AdminResult.Invalid("file", $"{source} is not UTF-8 text; save it as UTF-8 and try again.");
        }

        if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            return AdminResult.Invalid("file", $"{source} holds control characters; the downtime procedure must be plain Markdown text.");
        }

        return text;
    }

    /// <summary>The sentence that refuses a file of <paramref name="bytes"/> bytes.</summary>
    public static string TooLarge(string source, long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{source} is {bytes:N0} bytes; the downtime procedure may be at most {SiteDocument.MaxBytes / 1024} KiB ({SiteDocument.MaxBytes:N0} bytes).");
}
