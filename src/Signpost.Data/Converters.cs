using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Signpost.Data;

public sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.ToUnixTimeMilliseconds(),
    v => DateTimeOffset.FromUnixTimeMilliseconds(v));

public sealed class TimeSpanMillisecondsConverter() : ValueConverter<TimeSpan, long>(
    v => (long)v.TotalMilliseconds,
    v => TimeSpan.FromMilliseconds(v));
