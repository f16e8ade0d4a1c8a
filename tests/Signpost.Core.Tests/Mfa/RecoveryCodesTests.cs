using Signpost.Core.Mfa;

namespace Signpost.Core.Tests.Mfa;

public sealed class RecoveryCodesTests
{
    [Fact]
    public void Generate_Set_IsTenDistinctReadableCodes()
    {
        // Act
        var codes = RecoveryCodes.Generate();

        // Assert
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$", c));
    }

    [Theory]
    [InlineData("abcde-fghjk", "ABCDEFGHJK")]
    [InlineData("ABCDE FGHJK", "ABCDEFGHJK")]
    [InlineData("O0IL1-abcde", "00111ABCDE")]
    [InlineData("ABCDE-FGHJ", null)]
    [InlineData("ABCDE-FGHJU", null)]
    [InlineData("123456", null)]
    public void Normalize_Typed_ReadsWhatPeopleType(string typed, string? expected) =>
        Assert.Equal(expected, RecoveryCodes.Normalize(typed));

    [Fact]
    public void Hash_SameCodeOtherAccount_Differs()
    {
        var code = RecoveryCodes.Normalize(RecoveryCodes.Generate()[0])!;

        Assert.NotEqual(RecoveryCodes.Hash(Guid.NewGuid(), code), RecoveryCodes.Hash(Guid.NewGuid(), code));
        Assert.DoesNotContain(code, RecoveryCodes.Hash(Guid.NewGuid(), code), StringComparison.OrdinalIgnoreCase);
    }
}
