using System.Text.RegularExpressions;

namespace Signpost.Core.Incidents;

/// <summary>
/// A person asking for help ("Ask for help" page, or support creating one for a caller): free text, a
/// call-back number, an optional screenshot and the trace IDs of the failures.
/// </summary>
public sealed record HelpRequest
{
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? CallbackNumber { get; init; }
    public byte[]? Screenshot { get; init; }
    public IReadOnlyList<string> TraceIds { get; init; } = [];
    public Guid? AccountId { get; init; }
    public Guid? OrganizationId { get; init; }
}

/// <summary>A change to an incident: only the fields given change.</summary>
public sealed record IncidentChange
{
    public IncidentStatus? Status { get; init; }

    /// <summary>The assignee; an empty string unassigns.</summary>
    public string? AssignedTo { get; init; }

    /// <summary>A note to append.</summary>
    public string? Note { get; init; }
}

/// <summary>Checks of what people type into an incident. Text is kept as typed (minus control characters) and always rendered encoded.</summary>
public static partial class IncidentInput
{
    public const int MaxCallbackLength = 40;

    /// <summary>PNG (89 50 4E 47 0D 0A 1A 0A) or JPEG (FF D8 FF) by their first bytes; the file name and declared type are not trusted.</summary>
    public static string? ImageType(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? "image/png"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : null;

    /// <summary>
    /// Loosely a phone number: digits with the usual separators, an optional leading +, an optional
    /// extension; 7 to 15 digits before the extension (E.164 allows at most 15).
    /// </summary>
    /// <remarks>
    /// The patterns run without backtracking (linear in the input, at most <see cref="MaxCallbackLength"/>
    /// characters) rather than under a wall-clock timeout, which a loaded machine tripped on ordinary input.
    /// </remarks>
    public static bool IsCallbackNumber(string value)
    {
        if (value.Length > MaxCallbackLength || !Phone().IsMatch(value))
        {
            return false;
        }

        var main = ExtensionPart().Replace(value, "");
        var digits = main.Count(char.IsAsciiDigit);
        return digits is >= 7 and <= 15;
    }

    /// <summary>Lower-case 32 hexadecimal characters, the shape of every trace ID Signpost shows.</summary>
    public static bool IsTraceId(string value) => Events.TraceIdFormat.IsWellFormed(value);

    /// <summary>Drops control characters except line breaks and tabs, so pasted text cannot forge log lines or hide content.</summary>
    public static string Clean(string value) =>
        new(value.Where(c => c is '\n' or '\t' || !char.IsControl(c)).ToArray());

    [GeneratedRegex(@"^\+?[0-9 ().\-/]{7,30}(\s*(x|ext\.?)\s*[0-9]{1,6})?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Phone();

    [GeneratedRegex(@"\s*(x|ext\.?)\s*[0-9]{1,6}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex ExtensionPart();
}
