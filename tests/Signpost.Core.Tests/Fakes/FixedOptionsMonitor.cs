using Microsoft.Extensions.Options;

namespace Signpost.Core.Tests.Fakes;

/// <summary>An options monitor that always answers the same value and never changes.</summary>
public sealed class FixedOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
