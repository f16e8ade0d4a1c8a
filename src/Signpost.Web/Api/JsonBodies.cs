using System.Text.Json;
using System.Text.Unicode;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Api;

/// <summary>
/// Reads a JSON object body by hand so every malformed one is a 4xx problem with a <c>code</c>, never a
/// 500: wrong content type (which also keeps cross-site form posts out), oversized, invalid JSON or
/// UTF-8, nesting bombs, repeated keys, a body that is not an object.
/// </summary>
internal static class JsonBodies
{
    public static async Task<(JsonDocument? Document, IResult? Rejection)> ReadObjectAsync(HttpContext context, int maxBytes, string rule)
    {
        if (!context.Request.HasJsonContentType())
        {
            return (null, await ProblemAsync(context, StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Send JSON", "Send the body as application/json."));
        }

        var tooLarge = $"The body is larger than {maxBytes} bytes.";
        if (context.Request.ContentLength > maxBytes)
        {
            return (null, await ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, "payload_too_large", "Body too large", tooLarge));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, await ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, "payload_too_large", "Body too large", tooLarge));
            }

            buffer.Write(chunk, 0, read);
        }

        var bytes = buffer.ToArray();
        try
        {
            var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 4, AllowDuplicateProperties = false });
            if (Utf8.IsValid(bytes) && document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return (document, null);
            }

            document.Dispose();
        }
        catch (JsonException)
        {
            // Invalid JSON or UTF-8, too deep, or a key given twice: the same answer as a wrong shape.
        }

        return (null, await ProblemAsync(context, StatusCodes.Status400BadRequest, "invalid_request", "Invalid body", rule));
    }

    /// <summary>
    /// Declares the JSON body in OpenAPI without <c>Accepts()</c>: the handler reads the body itself, so that
    /// every malformed one (wrong media type included) gets a problem that says what is wrong with it.
    /// </summary>
    public static Func<Microsoft.OpenApi.OpenApiOperation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext, CancellationToken, Task> Describes<T>() =>
        async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken);
            operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        };

    /// <summary>A string property, null when absent or JSON null; false when present with another type.</summary>
    public static bool TryString(JsonElement root, string name, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (property.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = property.GetString();
        return true;
    }

    public static async Task<IResult> ProblemAsync(HttpContext context, int status, string code, string title, string detail)
    {
        await Problems.WriteAsync(context, status, code, title, detail);
        return TypedResults.Empty;
    }
}
