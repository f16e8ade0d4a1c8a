using System.Text;
using Signpost.Core.Mfa;

namespace Signpost.Core.Tests.Mfa;

/// <summary>RFC 6238 TOTP as Signpost reads it: the RFC's own vectors, the accepted window's edges and the skew range.</summary>
public sealed class TotpCodesTests
{
    private static readonly byte[] RfcSecret = Encoding.ASCII.GetBytes("12345678901234567890");

    /// <summary>RFC 6238 appendix B, the SHA-1 rows (8 digits, 30-second steps, T0 = 0).</summary>
    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Compute_Rfc6238AppendixBSha1_MatchesVector(long unixTime, string expected)
    {
        // Arrange
        var step = TotpCodes.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixTime));

        // Act
        var code = TotpCodes.Compute(RfcSecret, step, digits: 8);

        // Assert
        Assert.Equal(expected, code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1)]
    public void Match_CodeOfStepInsideWindow_IsAccepted(int offset)
    {
        // Arrange
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_015);
        var step = TotpCodes.StepAt(now) + offset;

        // Act
        var match = TotpCodes.Match(RfcSecret, TotpCodes.Compute(RfcSecret, step), now);

        // Assert
        Assert.NotNull(match);
        Assert.Equal(step, match.Step);
        Assert.Equal(offset, match.SkewSteps);
        Assert.True(match.Accepted);
    }

    [Theory]
    [InlineData(-2, "1 minute behind")]
    [InlineData(2, "1 minute ahead")]
    [InlineData(-9, "4 minutes 30 seconds behind")]
    [InlineData(20, "10 minutes ahead")]
    [InlineData(-20, "10 minutes behind")]
    public void Match_CodeOutsideWindowWithinTenMinutes_IsSkewWithDirection(int offset, string words)
    {
        // Arrange
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_015);
        var step = TotpCodes.StepAt(now) + offset;

        // Act
        var match = TotpCodes.Match(RfcSecret, TotpCodes.Compute(RfcSecret, step), now);

        // Assert
        Assert.NotNull(match);
        Assert.False(match.Accepted);
        Assert.Equal(offset * 30, match.SkewSeconds);
        Assert.Equal(words, TotpCodes.DescribeSkew(match.SkewSeconds));
    }

    [Theory]
    [InlineData(-21)]
    [InlineData(21)]
    [InlineData(100)]
    public void Match_CodeBeyondTenMinutes_MatchesNothing(int offset)
    {
        // Arrange: a step whose code does not recur within the skew range (checked, so the test cannot pass by luck).
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_015);
        var current = TotpCodes.StepAt(now);
        var code = TotpCodes.Compute(RfcSecret, current + offset);
        Assert.DoesNotContain(code, Enumerable.Range(-20, 41).Select(o => TotpCodes.Compute(RfcSecret, current + o)));

        // Act
        var match = TotpCodes.Match(RfcSecret, code, now);

        // Assert
        Assert.Null(match);
    }

    [Fact]
    public void Match_AtStepBoundary_WindowMovesWithTheClock()
    {
        // Arrange: the last second of one step and the first of the next.
        var lastSecond = DateTimeOffset.FromUnixTimeSeconds(1_800_000_029);
        var firstSecond = lastSecond.AddSeconds(1);
        var twoBack = TotpCodes.Compute(RfcSecret, TotpCodes.StepAt(lastSecond) - 1);

        // Act
        var before = TotpCodes.Match(RfcSecret, twoBack, lastSecond);
        var after = TotpCodes.Match(RfcSecret, twoBack, firstSecond);

        // Assert: one step back is accepted until the step turns, then it is two back: a skew.
        Assert.True(before!.Accepted);
        Assert.False(after!.Accepted);
        Assert.Equal(-2, after.SkewSteps);
    }

    [Theory]
    [InlineData("123 456", "123456")]
    [InlineData("123-456", "123456")]
    [InlineData("12345", null)]
    [InlineData("1234567", null)]
    [InlineData("12a456", null)]
    [InlineData("１２３４５６", null)]
    [InlineData(null, null)]
    public void Normalize_TypedCode_KeepsSixAsciiDigitsOnly(string? typed, string? expected) =>
        Assert.Equal(expected, TotpCodes.Normalize(typed));

    [Fact]
    public void KeyUri_NewSecret_CarriesBase32SecretAndParameters()
    {
        // Arrange
        var secret = TotpCodes.NewSecret();

        // Act
        var uri = TotpCodes.KeyUri(secret, "Signpost", "nia");

        // Assert
        Assert.Equal(20, secret.Length);
        Assert.StartsWith("otpauth://totp/Signpost:nia?secret=", uri, StringComparison.Ordinal);
        Assert.Contains($"secret={TotpCodes.ToBase32(secret)}&", uri, StringComparison.Ordinal);
        Assert.Contains("algorithm=SHA1&digits=6&period=30", uri, StringComparison.Ordinal);
        Assert.Equal(32, TotpCodes.ToBase32(secret).Length);
    }
}
