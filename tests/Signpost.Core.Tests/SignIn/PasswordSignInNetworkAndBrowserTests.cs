using System.Net;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;

namespace Signpost.Core.Tests.SignIn;

public sealed class PasswordSignInNetworkAndBrowserTests
{
    private const string Slug = "riverside-family";
    private readonly SignInHarness _h = new();

    private void RestrictToLan()
    {
        _h.Practice.Policy.RestrictToAllowedNetworks = true;
        _h.Practice.NetworkRanges.Add(new NetworkRange { Cidr = "203.0.113.0/24", Label = "LAN" });
        _h.Practice.NetworkRanges.Add(new NetworkRange { Cidr = "198.51.100.0/24", Label = "VPN egress", Allowed = false });
    }

    [Fact]
    public async Task SignInAsync_SlugAndAddressOutsideTheAllowList_RefusedBeforeThePassword()
    {
        // Arrange
        RestrictToLan();
        var account = _h.AddAccount();

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Wrong, slug: Slug, client: SignInHarness.Client(ip: SignInHarness.VpnAddress));

        // Assert: the practice is public in the URL, so its rule is told at once; nothing counted, and the
        // account is looked up once, only to name it on the event for support (RefusedAttempts).
        Assert.Equal(ReasonCodes.NetworkNotAllowed, result.Reason.Code);
        Assert.Equal(ReasonCodes.NetworkNotAllowed, result.Shown.Code);
        Assert.Equal(1, _h.Accounts.IdentifierLookups);
        Assert.Equal(0, _h.Lockouts.Count);
        var recorded = _h.EventOf(result);
        Assert.Equal(account.Id, recorded.AccountId);
        Assert.Equal(_h.Practice.Id, recorded.OrganizationId);
        Assert.Equal("VPN egress", recorded.NetworkLabel);
        Assert.Equal("198.51.100.7", recorded.ClientIp);
    }

    [Fact]
    public async Task SignInAsync_SlugAndUndeclaredAddress_NetworkNotAllowedWithUnknownLabel()
    {
        // Arrange
        RestrictToLan();
        _h.AddAccount();

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct, slug: Slug, client: SignInHarness.Client(ip: IPAddress.Parse("192.0.2.9")));

        // Assert
        Assert.Equal(ReasonCodes.NetworkNotAllowed, result.Reason.Code);
        Assert.Equal("unknown", _h.EventOf(result).NetworkLabel);
        Assert.Empty(_h.Sessions.All);
    }

    [Fact]
    public async Task SignInAsync_NoSlugAndAddressOutsideTheAllowList_ToldOnlyAfterThePassword()
    {
        // Arrange
        RestrictToLan();
        var account = _h.AddAccount();
        var vpn = SignInHarness.Client(ip: SignInHarness.VpnAddress);

        // Act
        var wrong = await _h.SignInAsync("jordan.lee", TestPasswords.Wrong, client: vpn);
        var correct = await _h.SignInAsync("jordan.lee", TestPasswords.Correct, client: vpn);

        // Assert: without the practice in the URL, the rule would reveal who has an account there.
        Assert.Equal(ReasonCodes.InvalidCredentials, wrong.Reason.Code);
        Assert.Equal(ReasonCodes.InvalidCredentials, wrong.Shown.Code);
        Assert.Equal(ReasonCodes.NetworkNotAllowed, correct.Reason.Code);
        Assert.Equal(ReasonCodes.NetworkNotAllowed, correct.Shown.Code);
        Assert.Null(correct.Session);
        Assert.Empty(_h.Sessions.All);
        var recorded = _h.EventOf(correct);
        Assert.Equal(account.Id, recorded.AccountId);
        Assert.Equal("VPN egress", recorded.NetworkLabel);
    }

    [Fact]
    public async Task SignInAsync_SlugAndAllowedAddress_SignsInAndRecordsTheNetwork()
    {
        // Arrange
        RestrictToLan();
        _h.AddAccount();

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct, slug: Slug);

        // Assert
        Assert.Equal(ReasonCodes.SignedIn, result.Reason.Code);
        Assert.Equal("LAN", _h.EventOf(result).NetworkLabel);
        Assert.Single(_h.Sessions.All);
    }

    [Theory]
    [InlineData(TestBrowsers.Chrome120Windows)]
    [InlineData(TestBrowsers.Safari26Ios)]
    public async Task SignInAsync_BlockingPracticeInTheUrlAndUnsupportedBrowser_RefusedBeforeThePassword(string userAgent)
    {
        // Arrange
        _h.Practice.Policy.BrowserPolicy = BrowserPolicy.Block;
        var account = _h.AddAccount();

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct, slug: Slug, client: SignInHarness.Client(userAgent));

        // Assert: refused before the password; the account is looked up only to name it on the event.
        Assert.Equal(ReasonCodes.BrowserUnsupported, result.Reason.Code);
        Assert.Equal(ReasonCodes.BrowserUnsupported, result.Shown.Code);
        Assert.Equal(403, result.Shown.HttpStatus);
        Assert.Equal(1, _h.Accounts.IdentifierLookups);
        Assert.Empty(_h.Sessions.All);
        var recorded = _h.EventOf(result);
        Assert.Equal(account.Id, recorded.AccountId);
        Assert.False(recorded.BrowserSupported);
        Assert.Equal(_h.Practice.Id, recorded.OrganizationId);
    }

    [Fact]
    public async Task SignInAsync_UnsupportedBrowserKnownAndUnknownIdentifier_SameAnswerSameWorkOnlyTheRecordDiffers()
    {
        // Arrange
        _h.Practice.Policy.BrowserPolicy = BrowserPolicy.Block;
        _h.AddAccount();

        // Act
        var known = await _h.SignInAsync("jordan.lee", TestPasswords.Correct, slug: Slug, client: SignInHarness.Client(TestBrowsers.Chrome120Windows));
        var lookupsAfterKnown = _h.Accounts.IdentifierLookups;
        var unknown = await _h.SignInAsync("nobody.here", TestPasswords.Correct, slug: Slug, client: SignInHarness.Client(TestBrowsers.Chrome120Windows));

        // Assert: one look-up each, the same reason shown, nothing counted; only the event names an account.
        Assert.Equal((1, 2), (lookupsAfterKnown, _h.Accounts.IdentifierLookups));
        Assert.Equal(known.Shown.Code, unknown.Shown.Code);
        Assert.Equal(0, _h.Lockouts.Count);
        Assert.NotNull(_h.EventOf(known).AccountId);
        Assert.Null(_h.EventOf(unknown).AccountId);
    }

    [Fact]
    public async Task SignInAsync_BlockingPracticeWithoutSlug_RefusesTheOldBrowserAfterThePassword()
    {
        // Arrange
        _h.Practice.Policy.BrowserPolicy = BrowserPolicy.Block;
        var account = _h.AddAccount();
        var old = SignInHarness.Client(TestBrowsers.Chrome120Windows);

        // Act
        var wrong = await _h.SignInAsync("jordan.lee", TestPasswords.Wrong, client: old);
        var correct = await _h.SignInAsync("jordan.lee", TestPasswords.Correct, client: old);

        // Assert
        Assert.Equal(ReasonCodes.InvalidCredentials, wrong.Reason.Code);
        Assert.Equal(ReasonCodes.BrowserUnsupported, correct.Reason.Code);
        Assert.Equal(ReasonCodes.BrowserUnsupported, correct.Shown.Code);
        Assert.Null(correct.Session);
        Assert.Empty(_h.Sessions.All);
        var recorded = _h.EventOf(correct);
        Assert.Equal(account.Id, recorded.AccountId);
        Assert.Equal("Chrome", recorded.Browser);
        Assert.Equal("120.0.0.0", recorded.BrowserVersion);
        Assert.False(recorded.BrowserSupported);
    }

    [Theory]
    [InlineData(TestBrowsers.Chrome120Windows, "Chrome")]
    [InlineData(TestBrowsers.InternetExplorer11, "Internet Explorer")]
    [InlineData("", "Unknown")]
    public async Task SignInAsync_WarningPracticeAndUnsupportedBrowser_SignsInWithAWarning(string userAgent, string family)
    {
        // Arrange (Warn is the default policy)
        _h.AddAccount();

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct, client: SignInHarness.Client(userAgent));

        // Assert
        Assert.Equal(BrowserPolicy.Warn, _h.Practice.Policy.BrowserPolicy);
        Assert.True(result.Succeeded);
        Assert.Equal(ReasonCodes.SignedInBrowserWarning, result.Reason.Code);
        Assert.Equal(ReasonCodes.SignedInBrowserWarning, result.Shown.Code);
        Assert.NotNull(result.Session);
        Assert.NotNull(result.NewDeviceCookie);
        Assert.Single(_h.Sessions.All);
        var recorded = _h.EventOf(result);
        Assert.True(recorded.Succeeded);
        Assert.Equal(family, recorded.Browser);
        Assert.False(recorded.BrowserSupported);
    }
}
