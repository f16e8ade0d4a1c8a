using Signpost.Core.Escalation.Rules;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using static Signpost.Core.Tests.Incidents.EscalationHarness;

namespace Signpost.Core.Tests.Incidents;

/// <summary>docs/design.md §6 browser compatibility (the failure reappears after an update) and network issues (fails from every network tried).</summary>
public sealed class BrowserAndNetworkRulesTests
{
    private readonly EscalationHarness _h = new();
    private readonly Guid _account = Guid.NewGuid();

    [Fact]
    public async Task Browser_SameFailureAfterUpdate_Fires()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.Password, ReasonCodes.BrowserUnsupported, _account, version: "118.0.5993.70");

        var result = await _h.RecordAsync(Minutes(60), SignInMethod.Password, ReasonCodes.StaleForm, _account, version: "120.0.6099.109");

        var (firing, _) = Assert.Single(result.Firings);
        Assert.Equal(BrowserUpdateRule.Id, firing.RuleId);
        Assert.Equal(["118.0.5993.70", "120.0.6099.109"], firing.Evidence.Select(e => e.BrowserVersion));
    }

    [Fact]
    public async Task Browser_SameVersionAgain_DoesNotFire()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.Password, ReasonCodes.BrowserUnsupported, _account, version: "120.0");

        var result = await _h.RecordAsync(Minutes(5), SignInMethod.Password, ReasonCodes.BrowserUnsupported, _account, version: "120.0");

        Assert.Empty(result.Firings);
    }

    [Fact]
    public async Task Browser_OtherFamily_DoesNotFire()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.Password, ReasonCodes.BrowserUnsupported, _account, browser: "Firefox", version: "100.0");

        var result = await _h.RecordAsync(Minutes(5), SignInMethod.Password, ReasonCodes.BrowserUnsupported, _account, browser: "Chrome", version: "120.0");

        Assert.Empty(result.Firings);
    }

    [Fact]
    public async Task Browser_UpdateFixedIt_NoBrowserReason_DoesNotFire()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.Password, ReasonCodes.BrowserUnsupported, _account, version: "118.0");

        var result = await _h.RecordAsync(Minutes(5), SignInMethod.Password, ReasonCodes.InvalidCredentials, _account, version: "120.0");

        Assert.Empty(result.Firings);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public async Task Browser_OlderFailureAtTheSevenDayBoundary(int millisecondsPast, bool fires)
    {
        await _h.RecordAsync(TimeSpan.Zero, SignInMethod.Password, ReasonCodes.BrowserUnsupported, _account, version: "118.0");

        var result = await _h.RecordAsync(TimeSpan.FromDays(7) + TimeSpan.FromMilliseconds(millisecondsPast), SignInMethod.Password, ReasonCodes.BrowserUnsupported, _account, version: "120.0");

        Assert.Equal(fires, result.Firings.Count == 1);
    }

    [Fact]
    public async Task Network_FailsFromLanAndVpn_Fires()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.Password, ReasonCodes.NetworkNotAllowed, _account, network: "LAN");

        var result = await _h.RecordAsync(Minutes(10), SignInMethod.Password, ReasonCodes.NetworkNotAllowed, _account, network: "VPN");

        var (firing, _) = Assert.Single(result.Firings);
        Assert.Equal(EveryNetworkFailsRule.Id, firing.RuleId);
        Assert.Equal(2, firing.Evidence.Count);
    }

    [Fact]
    public async Task Network_UnlabelledAddressesInDifferentRanges_CountAsTwoNetworks()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.Password, ReasonCodes.NetworkNotAllowed, _account, ip: "198.51.100.7");

        var same = await _h.RecordAsync(Minutes(1), SignInMethod.Password, ReasonCodes.NetworkNotAllowed, _account, ip: "198.51.100.200");
        var other = await _h.RecordAsync(Minutes(2), SignInMethod.Password, ReasonCodes.NetworkNotAllowed, _account, ip: "192.0.2.1");

        Assert.Empty(same.Firings);
        Assert.Single(other.Firings);
    }

    [Fact]
    public async Task Network_OneNetworkOnly_DoesNotFire()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.Password, ReasonCodes.NetworkNotAllowed, _account, network: "VPN");

        var result = await _h.RecordAsync(Minutes(1), SignInMethod.Password, ReasonCodes.NetworkNotAllowed, _account, network: "VPN");

        Assert.Empty(result.Firings);
    }

    [Fact]
    public async Task Network_ASuccessInTheWindow_DoesNotFire()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.Password, ReasonCodes.NetworkNotAllowed, _account, network: "VPN");
        await _h.RecordAsync(Minutes(1), SignInMethod.Password, ReasonCodes.SignedIn, _account, network: "LAN");

        var result = await _h.RecordAsync(Minutes(2), SignInMethod.Password, ReasonCodes.NetworkNotAllowed, _account, network: "mobile");

        Assert.Empty(result.Firings);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public async Task Network_SecondNetworkAtTheFourHourBoundary(int millisecondsPast, bool fires)
    {
        await _h.RecordAsync(TimeSpan.Zero, SignInMethod.Password, ReasonCodes.NetworkNotAllowed, _account, network: "LAN");

        var result = await _h.RecordAsync(TimeSpan.FromHours(4) + TimeSpan.FromMilliseconds(millisecondsPast), SignInMethod.Password, ReasonCodes.NetworkNotAllowed, _account, network: "VPN");

        Assert.Equal(fires, result.Firings.Count == 1);
    }

    [Fact]
    public async Task Network_WrongPasswordFromTwoNetworks_IsNotANetworkIssue()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.Password, ReasonCodes.InvalidCredentials, _account, network: "LAN");

        var result = await _h.RecordAsync(Minutes(1), SignInMethod.Password, ReasonCodes.InvalidCredentials, _account, network: "VPN");

        Assert.Empty(result.Firings);
    }
}
