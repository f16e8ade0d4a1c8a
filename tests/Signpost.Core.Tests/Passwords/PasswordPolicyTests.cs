using Signpost.Core.Accounts;
using Signpost.Core.Passwords;

namespace Signpost.Core.Tests.Passwords;

public sealed class PasswordPolicyTests
{
    private static readonly Account Account = new()
    {
        Username = "frontdesk.jordan.lee",
        Email = "jordan.lee.riverside@clinic.example",
        DisplayName = "Jordan Lee",
        Npi = "1234567893",
    };

    [Fact]
    public void Check_FourteenCharacters_IsRejected()
    {
        // Act
        var problems = PasswordPolicy.Check(new string('x', 14), Account);

        // Assert
        var problem = Assert.Single(problems);
        Assert.Contains("at least 15 characters", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_FifteenCharacters_IsAccepted()
    {
        // Act
        var problems = PasswordPolicy.Check("xq7 zv4 kw9 pm2", Account);

        // Assert
        Assert.Empty(problems);
    }

    [Fact]
    public void Check_FifteenLowercaseLetters_IsAcceptedWithoutCompositionRules()
    {
        // Act
        var problems = PasswordPolicy.Check("correcthorsebat", Account);

        // Assert
        Assert.Equal(15, "correcthorsebat".Length);
        Assert.Empty(problems);
    }

    [Fact]
    public void Check_ExactlyTheMaximum_IsAccepted()
    {
        // Act
        var problems = PasswordPolicy.Check(new string('a', PasswordHashing.MaxPasswordLength), Account);

        // Assert
        Assert.Empty(problems);
    }

    [Fact]
    public void Check_OverTheMaximum_IsRejected()
    {
        // Act
        var problems = PasswordPolicy.Check(new string('a', PasswordHashing.MaxPasswordLength + 1), Account);

        // Assert
        var problem = Assert.Single(problems);
        Assert.Contains("at most 1024 characters", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frontdesk.jordan.lee")]
    [InlineData("FRONTDESK.JORDAN.LEE")]
    [InlineData("jordan.lee.riverside@clinic.example")]
    [InlineData("jordan.lee.riverside")]
    public void Check_OwnIdentifierAsPassword_IsRejected(string password)
    {
        // Act
        var problems = PasswordPolicy.Check(password, Account);

        // Assert
        var problem = Assert.Single(problems);
        Assert.Contains("username, email or NPI", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PasswordThatOnlyContainsTheUsername_IsAccepted()
    {
        // Act
        var problems = PasswordPolicy.Check("frontdesk.jordan.lee likes tea", Account);

        // Assert
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Check_Missing_AsksForAPassword(string? password)
    {
        // Act
        var problems = PasswordPolicy.Check(password, Account);

        // Assert
        Assert.Equal(["Enter a new password."], problems);
    }

    [Fact]
    public void Check_LengthInCharactersNotUtf16Units_EightEmojiAreTooShort()
    {
        // Arrange: sixteen UTF-16 code units, eight characters (NIST counts code points).
        var password = string.Concat(Enumerable.Repeat("\U0001F511", 8));

        // Act
        var problems = PasswordPolicy.Check(password, Account);

        // Assert
        Assert.Equal(16, password.Length);
        Assert.Single(problems);
    }

    [Fact]
    public void Check_FifteenEmoji_IsAccepted()
    {
        // Act
        var problems = PasswordPolicy.Check(string.Concat(Enumerable.Repeat("\U0001F511", 15)), Account);

        // Assert
        Assert.Empty(problems);
    }

    [Fact]
    public void Check_SpacesAreKeptExactlyAsTyped_LeadingSpacesCount()
    {
        // Act: fourteen letters plus one leading space is fifteen characters as typed.
        var problems = PasswordPolicy.Check(" abcdefghijklmn", Account);

        // Assert
        Assert.Empty(problems);
    }
}
