namespace Signpost.Core.Events;

/// <summary>
/// The one shape of a trace ID (<see cref="SignInEvent.TraceId"/>): 32 lower-case hexadecimal digits, the
/// W3C trace-id format every failure page shows. Anything else is refused before it reaches a query.
/// </summary>
public static class TraceIdFormat
{
    public const int Length = 32;

    public static bool IsWellFormed(string? value) =>
        value is { Length: Length } && value.All(char.IsAsciiHexDigitLower);
}
