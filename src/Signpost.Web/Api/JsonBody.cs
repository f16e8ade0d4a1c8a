using System.Text.Json;
using System.Text.Unicode;

namespace Signpost.Web.Api;

/// <summary>Why a body was refused: status, <c>code</c>, title and detail, and the <c>field</c> to blame when there is one.</summary>
public sealed record JsonBodyProblem(int Status, string Code, string Title, string Detail, string? Field = null);

/// <summary>
/// The one reader of JSON request bodies, by hand, so every malformed one is a 4xx problem with a <c>code</c>,
/// never a 500: JSON content type only (which also keeps cross-site form posts out), a size cap before and
/// while reading, valid JSON nested at most <see cref="MaxDepth"/> deep, no key given twice, valid UTF-8
/// (inside strings too: the field is named), and an object at the top. The object is detached from its
/// document, so callers need not dispose anything.
/// </summary>
public static class JsonBody
{
    /// <summary>Enough for every body Signpost takes (objects of fields, a list of trace IDs); a nesting bomb stops here.</summary>
    public const int MaxDepth = 4;

    /// <summary>What the members API reads: enough for an invitation with long names, far below anything that could hurt.</summary>
    public const int MaxBytes = 4096;

    public const string NotJson = "The body is not valid JSON (or not valid UTF-8). It may nest at most 4 deep and give each key once.";

    /// <summary>Reads the body as one JSON object, or says why not; <paramref name="rule"/> says what the body must be.</summary>
    public static async Task<(JsonElement Body, JsonBodyProblem? Problem)> ParseObjectAsync(HttpContext context, int maxBytes, string rule)
    {
        if (!context.Request.HasJsonContentType())
        {
            return (default, new(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Send JSON", "Send the body as application/json."));
        }

        var tooLarge = new JsonBodyProblem(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "Body too large", $"The body is larger than {maxBytes} bytes.");
        if (context.Request.ContentLength > maxBytes)
        {
            return (default, tooLarge);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (default, tooLarge);
            }

            buffer.Write(chunk, 0, read);
        }

        var bytes = buffer.ToArray();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException)
        {
            // Invalid JSON or UTF-8 outside strings, too deep, or a key given twice.
            return (default, Invalid($"{NotJson} {rule}"));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (default, Invalid(rule));
            }

            // The parser checks structure, not the text inside strings: invalid UTF-8 bytes or a lone surrogate
            // escape (\ud800) only fail when the string is read, and must be a 400 naming the field, not a 500.
            if (BadText(document.RootElement, null) is { } field)
            {
                return (default, Invalid($"The field '{field}' is not valid UTF-8 text.", field));
            }

            if (!Utf8.IsValid(bytes))
            {
                return (default, Invalid($"{NotJson} {rule}"));
            }

            return (document.RootElement.Clone(), null);
        }
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

    private static JsonBodyProblem Invalid(string detail, string? field = null) =>
        new(StatusCodes.Status400BadRequest, "invalid_request", "Invalid body", detail, field);

    /// <summary>The first property (by its name, or its parent's for an array item) whose name or string value is not valid text; null when all are.</summary>
    private static string? BadText(JsonElement element, string? name)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return null;
                case JsonValueKind.Array:
                    return element.EnumerateArray().Select(item => BadText(item, name)).FirstOrDefault(bad => bad is not null);
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (BadText(property.Value, property.Name) is { } bad)
                        {
                            return bad;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }
        catch (InvalidOperationException)
        {
            return name ?? "(a key)";
        }
    }
}
