using System.Reflection;
using System.Text.RegularExpressions;
using Signpost.Core.Reasons;

namespace Signpost.Core.Tests.Reasons;

public sealed partial class ReasonCatalogueTests
{
    public static TheoryData<string> Codes() => [.. ReasonCatalogue.All.Select(r => r.Code)];

    [GeneratedRegex("^[a-z]+(?:_[a-z]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex LowerSnakeCase();

    [Theory]
    [MemberData(nameof(Codes))]
    public void Entry_EveryTextField_IsNotEmpty(string code)
    {
        // Arrange
        var reason = ReasonCatalogue.Get(code);

        // Act
        string[] texts = [reason.Code, reason.Title, reason.UserMessage, reason.PublicCode, reason.ProbableCause, reason.ImmediateAction, reason.Escalation];

        // Assert
        Assert.All(texts, text => Assert.False(string.IsNullOrWhiteSpace(text)));
        Assert.True(Enum.IsDefined(reason.Category));
        Assert.True(Enum.IsDefined(reason.Visibility));
        Assert.InRange(reason.HttpStatus, 200, 599);
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Entry_Code_IsLowerSnakeCase(string code)
    {
        // Act
        var matches = LowerSnakeCase().IsMatch(code);

        // Assert
        Assert.True(matches, $"'{code}' is not lower snake case.");
    }

    [Fact]
    public void All_Codes_AreUnique()
    {
        // Act
        var duplicates = ReasonCatalogue.All.GroupBy(r => r.Code, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        // Assert
        Assert.Empty(duplicates);
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Entry_PublicCode_IsAnAnyoneVisibleEntry(string code)
    {
        // Arrange
        var reason = ReasonCatalogue.Get(code);

        // Act
        var found = ReasonCatalogue.TryGet(reason.PublicCode, out var publicFace);

        // Assert
        Assert.True(found, $"{code}'s public code '{reason.PublicCode}' is not in the catalogue.");
        Assert.Equal(ReasonVisibility.Anyone, publicFace.Visibility);
        Assert.Equal(publicFace.Code, publicFace.PublicCode);
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Entry_NotVisibleToAnyone_HasAnotherPublicCode(string code)
    {
        // Arrange
        var reason = ReasonCatalogue.Get(code);

        // Act
        var selfFaced = reason.PublicCode == reason.Code;

        // Assert: an entry is its own public face exactly when anyone may see it.
        Assert.Equal(reason.Visibility == ReasonVisibility.Anyone, selfFaced);
    }

    [Theory]
    [InlineData(ReasonCodes.AccountLocked, ReasonVisibility.TrustedDevice, ReasonCodes.InvalidCredentials)]
    [InlineData(ReasonCodes.AccountDisabled, ReasonVisibility.PasswordProven, ReasonCodes.InvalidCredentials)]
    [InlineData(ReasonCodes.AccountPendingActivation, ReasonVisibility.PasswordProven, ReasonCodes.InvalidCredentials)]
    [InlineData(ReasonCodes.AccountFlagged, ReasonVisibility.PasswordProven, ReasonCodes.InvalidCredentials)]
    [InlineData(ReasonCodes.NoActiveMembership, ReasonVisibility.PasswordProven, ReasonCodes.InvalidCredentials)]
    [InlineData(ReasonCodes.PasswordExpired, ReasonVisibility.PasswordProven, ReasonCodes.InvalidCredentials)]
    [InlineData(ReasonCodes.PasswordResetRequired, ReasonVisibility.PasswordProven, ReasonCodes.InvalidCredentials)]
    public void Entry_StateThatWouldEnumerateAccounts_HidesBehindInvalidCredentials(string code, ReasonVisibility visibility, string publicCode)
    {
        // Act
        var reason = ReasonCatalogue.Get(code);

        // Assert (docs/design.md §3: locked, disabled, pending look like a wrong password until the password is proven)
        Assert.Equal(visibility, reason.Visibility);
        Assert.Equal(publicCode, reason.PublicCode);
    }

    [Fact]
    public void All_EveryReasonCodesConstant_IsInTheCatalogue()
    {
        // Arrange
        var constants = typeof(ReasonCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);

        // Act
        var catalogued = ReasonCatalogue.All.Select(r => r.Code).ToHashSet(StringComparer.Ordinal);

        // Assert
        Assert.Equal(constants.Order(StringComparer.Ordinal), catalogued.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Get_KnownCode_ReturnsEntryWithHelpPath()
    {
        // Act
        var reason = ReasonCatalogue.Get(ReasonCodes.InvalidCredentials);

        // Assert
        Assert.Equal(ReasonCodes.InvalidCredentials, reason.Code);
        Assert.Equal("/help/codes/invalid_credentials", reason.HelpPath);
        Assert.Equal(401, reason.HttpStatus);
        Assert.False(reason.IsSuccess);
    }

    [Theory]
    [InlineData("no_such_code")]
    [InlineData("")]
    [InlineData("INVALID_CREDENTIALS")]
    public void Get_UnknownCode_ThrowsKeyNotFound(string code)
    {
        // Act
        var act = () => ReasonCatalogue.Get(code);

        // Assert
        var error = Assert.Throws<KeyNotFoundException>(act);
        Assert.Contains($"'{code}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryGet_KnownCode_ReturnsTrueAndTheEntry()
    {
        // Act
        var found = ReasonCatalogue.TryGet(ReasonCodes.AccountLocked, out var reason);

        // Assert
        Assert.True(found);
        Assert.Same(ReasonCatalogue.Get(ReasonCodes.AccountLocked), reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no_such_code")]
    [InlineData("Account_Locked")]
    public void TryGet_UnknownOrNull_ReturnsFalse(string? code)
    {
        // Act
        var found = ReasonCatalogue.TryGet(code, out _);

        // Assert
        Assert.False(found);
    }

    [Theory]
    [InlineData(ReasonCodes.SignedIn, true)]
    [InlineData(ReasonCodes.SignedInBrowserWarning, true)]
    [InlineData(ReasonCodes.AccountActivated, true)]
    [InlineData(ReasonCodes.InvalidCredentials, false)]
    [InlineData(ReasonCodes.InvalidRequest, false)]
    public void IsSuccess_ByCategory_OnlySuccessesSucceed(string code, bool expected)
    {
        // Act
        var success = ReasonCatalogue.Get(code).IsSuccess;

        // Assert
        Assert.Equal(expected, success);
    }
}
