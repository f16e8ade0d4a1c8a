using System.Text.Json;
using System.Text.Unicode;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Api;

/// <summary>
/// Reads a small JSON object by hand so that every malformed body is a 4xx problem, never a 500 (the
/// same rules as the expiry API): JSON content type only (which also keeps cross-site form posts out),
/// a size cap checked before and while reading, valid UTF-8, shallow nesting, no repeated keys.
/// </summary>
public static class JsonBody
{
    /// <summary>Enough for an invitation with long names; far below anything that could hurt.</summary>
    public const int MaxBytes = 4096;

    public static async Task<(JsonElement Body, IResult? Rejection)> ReadAsync(HttpContext context)
    {
        if (!context.Request.HasJsonContentType())
        {
            return (default, Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Send JSON", "Send the body as application/json."));
        }

        var tooLarge = $"The body is larger than {MaxBytes} bytes.";
        if (context.Request.ContentLength > MaxBytes)
        {
            return (default, Problem(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "Body too large", tooLarge));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return (default, Problem(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "Body too large", tooLarge));
            }

            buffer.Write(chunk, 0, read);
        }

        var bytes = buffer.ToArray();
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 4, AllowDuplicateProperties = false });
            if (Utf8.IsValid(bytes) && document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return (document.RootElement.Clone(), null);
            }
        }
        catch (JsonException)
        {
            // Invalid JSON or UTF-8, too deep, or a key given twice: the same answer as a body that is not an object.
        }

        return (default, Problem(StatusCodes.Status400BadRequest, "invalid_request", "Invalid body", "The body must be one JSON object in UTF-8, without repeated keys."));
    }

    private static IResult Problem(int status, string code, string title, string detail) => new Rejection(status, code, title, detail);

    private sealed class Rejection(int status, string code, string title, string detail) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => Problems.WriteAsync(httpContext, status, code, title, detail);
    }
}
