using Signpost.Core.Devices;

namespace Signpost.Core.Tests.Fakes;

/// <summary>A device-cookie signing key fixed for the test.</summary>
public sealed class FixedDeviceKeyProvider(byte[] key) : IDeviceKeyProvider
{
    public static FixedDeviceKeyProvider Create(byte fill = 0x42) => new(Enumerable.Repeat(fill, 32).ToArray());

    public Task<byte[]> GetKeyAsync(CancellationToken cancellationToken) => Task.FromResult(key);
}
