using Signpost.Core.Analytics;
using Signpost.Core.Organizations;

namespace Signpost.Core.Tests.Analytics;

/// <summary>Which network an attempt counts under (docs/analytics.md).</summary>
public sealed class NetworkKeyTests
{
    [Fact]
    public void Of_PracticeLabel_CountsAsThatAllowListedNetwork()
    {
        var key = NetworkKey.Of("LAN", "10.1.2.3");

        Assert.Equal("allow-listed: LAN", key);
        Assert.True(NetworkKey.IsAllowListed(key));
    }

    [Fact]
    public void Of_ClassifierSaidUnknown_CountsByTheAddressNotAsAnAllowListedNetwork()
    {
        // Arrange: the label the classifier writes for an address in none of the practice's ranges.
        var label = NetworkClassifier.Unknown;

        // Act
        var key = NetworkKey.Of(label, "198.51.100.23");

        // Assert
        Assert.False(NetworkKey.IsAllowListed(key));
        Assert.Equal(NetworkKey.Of(null, "198.51.100.23"), key);
    }
}
