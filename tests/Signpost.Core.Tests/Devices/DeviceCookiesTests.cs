using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Devices;
using Signpost.Core.Tests.Fakes;

namespace Signpost.Core.Tests.Devices;

public sealed class DeviceCookiesTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly DeviceCookies _cookies;
    private readonly Guid _accountId = Guid.NewGuid();

    public DeviceCookiesTests() => _cookies = new DeviceCookies(FixedDeviceKeyProvider.Create(), _time);

    [Fact]
    public async Task VerifyAsync_CookieJustIssued_ReturnsTheIssuedDevice()
    {
        // Arrange
        var (value, issued) = await _cookies.IssueAsync(_accountId, CancellationToken.None);

        // Act
        var verified = await _cookies.VerifyAsync(value, _accountId, CancellationToken.None);

        // Assert
        Assert.NotNull(verified);
        Assert.Equal(issued, verified);
        Assert.Equal(_accountId, verified.AccountId);
        Assert.Equal(Start, verified.IssuedAt);
        Assert.Matches("^[0-9a-f]{32}$", verified.DeviceId);
    }

    [Fact]
    public async Task IssueAsync_TwiceForOneAccount_GivesDistinctDevices()
    {
        // Act
        var (first, firstDevice) = await _cookies.IssueAsync(_accountId, CancellationToken.None);
        var (second, secondDevice) = await _cookies.IssueAsync(_accountId, CancellationToken.None);

        // Assert
        Assert.NotEqual(first, second);
        Assert.NotEqual(firstDevice.DeviceId, secondDevice.DeviceId);
    }

    [Fact]
    public async Task VerifyAsync_CookieOfAnotherAccount_ReturnsNull()
    {
        // Arrange
        var (value, _) = await _cookies.IssueAsync(_accountId, CancellationToken.None);

        // Act
        var verified = await _cookies.VerifyAsync(value, Guid.NewGuid(), CancellationToken.None);

        // Assert
        Assert.Null(verified);
    }

    [Fact]
    public async Task VerifyAsync_SignedWithAnotherKey_ReturnsNull()
    {
        // Arrange
        var other = new DeviceCookies(FixedDeviceKeyProvider.Create(0x17), _time);
        var (value, _) = await other.IssueAsync(_accountId, CancellationToken.None);

        // Act
        var verified = await _cookies.VerifyAsync(value, _accountId, CancellationToken.None);

        // Assert
        Assert.Null(verified);
    }

    [Theory]
    [InlineData(4)] // the MAC
    [InlineData(3)] // the issue time
    [InlineData(2)] // the device ID
    [InlineData(1)] // the account
    public async Task VerifyAsync_OnePartTampered_ReturnsNull(int part)
    {
        // Arrange
        var (value, _) = await _cookies.IssueAsync(_accountId, CancellationToken.None);
        var parts = value.Split('.');
        var last = parts[part][^1];
        parts[part] = parts[part][..^1] + (last == '0' ? '1' : '0');
        var tampered = string.Join('.', parts);

        // Act
        var verified = await _cookies.VerifyAsync(tampered, _accountId, CancellationToken.None);

        // Assert
        Assert.NotEqual(value, tampered);
        Assert.Null(verified);
    }

    [Fact]
    public async Task VerifyAsync_PayloadMovedToAnotherAccount_ReturnsNull()
    {
        // Arrange: an attacker re-labels their own valid cookie with the victim's account ID.
        var victim = Guid.NewGuid();
        var (value, _) = await _cookies.IssueAsync(_accountId, CancellationToken.None);
        var parts = value.Split('.');
        parts[1] = victim.ToString("N");

        // Act
        var verified = await _cookies.VerifyAsync(string.Join('.', parts), victim, CancellationToken.None);

        // Assert
        Assert.Null(verified);
    }

    [Fact]
    public async Task VerifyAsync_AtExactlyTheLifetime_StillValid()
    {
        // Arrange
        var (value, _) = await _cookies.IssueAsync(_accountId, CancellationToken.None);
        _time.Advance(DeviceCookies.Lifetime);

        // Act
        var verified = await _cookies.VerifyAsync(value, _accountId, CancellationToken.None);

        // Assert
        Assert.NotNull(verified);
    }

    [Fact]
    public async Task VerifyAsync_PastTheLifetime_ReturnsNull()
    {
        // Arrange
        var (value, _) = await _cookies.IssueAsync(_accountId, CancellationToken.None);
        _time.Advance(DeviceCookies.Lifetime + TimeSpan.FromSeconds(1));

        // Act
        var verified = await _cookies.VerifyAsync(value, _accountId, CancellationToken.None);

        // Assert
        Assert.Null(verified);
    }

    [Theory]
    [InlineData(4, true)]
    [InlineData(6, false)]
    public async Task VerifyAsync_IssuedInTheFuture_ToleratesFiveMinutesOfSkewOnly(int minutesAhead, bool valid)
    {
        // Arrange: another node whose clock runs ahead issued the cookie.
        var ahead = new FakeTimeProvider(Start + TimeSpan.FromMinutes(minutesAhead));
        var (value, _) = await new DeviceCookies(FixedDeviceKeyProvider.Create(), ahead).IssueAsync(_accountId, CancellationToken.None);

        // Act
        var verified = await _cookies.VerifyAsync(value, _accountId, CancellationToken.None);

        // Assert
        Assert.Equal(valid, verified is not null);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("v1")]
    [InlineData("v1....")]
    [InlineData("v1.a.b.c.d")]
    [InlineData("v1.not-a-guid.0123456789abcdef0123456789abcdef.1772442000.00")]
    [InlineData("v1.00000000000000000000000000000000.0123456789abcdef0123456789abcdef.-1.00")]
    [InlineData("a.b.c.d.e.f")]
    public async Task VerifyAsync_Garbage_ReturnsNull(string? value)
    {
        // Act
        var verified = await _cookies.VerifyAsync(value, _accountId, CancellationToken.None);

        // Assert
        Assert.Null(verified);
    }

    [Fact]
    public async Task VerifyAsync_OtherVersionOrOversized_ReturnsNull()
    {
        // Arrange
        var (value, _) = await _cookies.IssueAsync(_accountId, CancellationToken.None);
        var otherVersion = "v2" + value[2..];
        var oversized = value + new string('0', 201 - value.Length);

        // Act
        var verifiedOtherVersion = await _cookies.VerifyAsync(otherVersion, _accountId, CancellationToken.None);
        var verifiedOversized = await _cookies.VerifyAsync(oversized, _accountId, CancellationToken.None);

        // Assert
        Assert.StartsWith("v1.", value, StringComparison.Ordinal);
        Assert.Null(verifiedOtherVersion);
        Assert.Null(verifiedOversized);
    }

    [Fact]
    public void CookieName_SameAccount_IsStable()
    {
        // Arrange
        var copy = new Guid(_accountId.ToString());

        // Act
        var first = DeviceCookies.CookieName(_accountId);
        var second = DeviceCookies.CookieName(copy);

        // Assert
        Assert.Equal(first, second);
        Assert.Matches("^sp_dev_[0-9a-f]{16}$", first);
    }

    [Fact]
    public void CookieName_TwoAccounts_Differ()
    {
        // Act
        var first = DeviceCookies.CookieName(_accountId);
        var second = DeviceCookies.CookieName(Guid.NewGuid());

        // Assert
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void CookieName_KnownAccount_IsPinned()
    {
        // Arrange: the name must never change between releases, or every trusted browser is forgotten.
        // Expected value: "sp_dev_" + the first 16 hex digits of SHA-256 over the GUID's bytes (computed outside .NET).
        var accountId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

        // Act
        var name = DeviceCookies.CookieName(accountId);

        // Assert
        Assert.Equal("sp_dev_b7f837c9c57b1f03", name);
    }
}
