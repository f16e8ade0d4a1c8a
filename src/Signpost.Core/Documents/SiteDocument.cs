namespace Signpost.Core.Documents;

/// <summary>
/// A page of text that operators write in Markdown and Signpost shows, such as the downtime procedure.
/// Stored as written; it is rendered (and sanitised) each time it is shown.
/// </summary>
public sealed class SiteDocument
{
    /// <summary>The most a document may hold, counted in UTF-8 bytes.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Which document this is: one of <see cref="SiteDocumentKeys"/>.</summary>
    public required string Key { get; set; }

    public required string Markdown { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

/// <summary>The documents Signpost knows.</summary>
public static class SiteDocumentKeys
{
    /// <summary>What practices do while the portal is down (issue "Maintenance windows", item 5).</summary>
    public const string DowntimeProcedure = "downtime-procedure";
}
