using System.Text.Json;

namespace Signpost.Web.Api;

/// <summary>
/// The members API's small JSON objects, read by <see cref="JsonBodies.ReadObjectAsync"/> (the one
/// defensive reader: JSON content type only, size cap before and while reading, valid UTF-8, shallow
/// nesting, no repeated keys) and detached from the document so callers need not dispose it.
/// </summary>
public static class JsonBody
{
    /// <summary>Enough for an invitation with long names; far below anything that could hurt.</summary>
    public const int MaxBytes = 4096;

    public static async Task<(JsonElement Body, IResult? Rejection)> ReadAsync(HttpContext context)
    {
        var (document, rejection) = await JsonBodies.ReadObjectAsync(context, MaxBytes, "The body must be one JSON object in UTF-8, without repeated keys.");
        if (document is null)
        {
            return (default, rejection);
        }

        using (document)
        {
            return (document.RootElement.Clone(), null);
        }
    }
}
