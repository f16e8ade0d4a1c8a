using System.Text;
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

    private static readonly PasswordContext Context = new(Account, ["Riverside Family Practice"]);

    private static Task<PasswordVerdict> CheckAsync(string? password, PasswordContext? context = null, PasswordPolicy? policy = null) =>
        (policy ?? TestPasswords.Policy()).CheckAsync(password, context ?? Context, CancellationToken.None);

    /// <summary>The verdict has exactly one failure, of this rule; its message is returned.</summary>
    private static string SingleFailure(PasswordVerdict verdict, string rule)
    {
        Assert.False(verdict.Accepted);
        var failure = Assert.Single(verdict.Failures);
        Assert.Equal(rule, failure.Rule);
        Assert.Equal([failure.Message], verdict.Messages);
        return failure.Message;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task CheckAsync_Missing_AsksForAPassword(string? password)
    {
        // Act
        var verdict = await CheckAsync(password);

        // Assert
        Assert.Equal("Enter a new password.", SingleFailure(verdict, PasswordRules.Empty));
    }

    [Fact]
    public async Task CheckAsync_FourteenCharacters_TooShort()
    {
        // Act
        var verdict = await CheckAsync("xq7 zv4 kw9 pm");

        // Assert
        var message = SingleFailure(verdict, PasswordRules.TooShort);
        Assert.Contains("at least 15 characters", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_FifteenCharacters_Accepted()
    {
        // Act
        var verdict = await CheckAsync("xq7 zv4 kw9 pm2");

        // Assert
        Assert.True(verdict.Accepted);
        Assert.Empty(verdict.Messages);
        Assert.Null(verdict.Note);
    }

    [Fact]
    public async Task CheckAsync_FifteenLowercaseLetters_AcceptedWithoutCompositionRules()
    {
        // Act
        var verdict = await CheckAsync("correcthorsebat");

        // Assert
        Assert.True(verdict.Accepted);
    }

    [Theory]
    [InlineData("kw9 pm2x", true)]
    [InlineData("kw9 pm2", false)]
    public async Task CheckAsync_WithMfa_MinimumIsEight(string password, bool accepted)
    {
        // Act
        var verdict = await CheckAsync(password, Context with { MfaEnrolled = true });

        // Assert
        if (accepted)
        {
            Assert.True(verdict.Accepted);
        }
        else
        {
            Assert.Contains("at least 8 characters", SingleFailure(verdict, PasswordRules.TooShort), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CheckAsync_SixtyFourCharacters_Accepted()
    {
        // Arrange: ASVS 6.2.9 requires at least 64 to be allowed.
        var password = "maple lanterns drift past seven quiet harbours while owls argue!";
        Assert.Equal(64, password.Length);

        // Act
        var verdict = await CheckAsync(password);

        // Assert
        Assert.True(verdict.Accepted, string.Join(" ", verdict.Messages));
    }

    [Fact]
    public async Task CheckAsync_ExactlyTheMaximum_Accepted()
    {
        // Arrange
        var password = RandomWords(PasswordHashing.MaxPasswordLength);

        // Act
        var verdict = await CheckAsync(password);

        // Assert
        Assert.Equal(1024, password.Length);
        Assert.True(verdict.Accepted, string.Join(" ", verdict.Messages));
    }

    [Fact]
    public async Task CheckAsync_OverTheMaximum_TooLong()
    {
        // Act
        var verdict = await CheckAsync(RandomWords(PasswordHashing.MaxPasswordLength + 1));

        // Assert
        Assert.Contains("at most 1024 characters", SingleFailure(verdict, PasswordRules.TooLong), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_LengthInCharactersNotUtf16Units_EightEmojiAreTooShort()
    {
        // Arrange: sixteen UTF-16 code units, eight characters (NIST counts code points).
        var password = string.Concat(Enumerable.Range(0x1F600, 8).Select(char.ConvertFromUtf32));

        // Act
        var verdict = await CheckAsync(password);

        // Assert
        Assert.Equal(16, password.Length);
        SingleFailure(verdict, PasswordRules.TooShort);
    }

    [Fact]
    public async Task CheckAsync_FifteenDifferentEmoji_Accepted()
    {
        // Act
        var verdict = await CheckAsync(string.Concat(Enumerable.Range(0x1F600, 15).Select(char.ConvertFromUtf32)));

        // Assert
        Assert.True(verdict.Accepted);
    }

    [Theory]
    [InlineData(" xq7 zv4 kw9 pm")]
    [InlineData("xq7 zv4 kw9 pm ")]
    public async Task CheckAsync_LeadingOrTrailingSpace_CountsAsTyped(string password)
    {
        // Act: fourteen characters plus one space is fifteen characters as typed, nothing trimmed.
        var verdict = await CheckAsync(password);

        // Assert
        Assert.True(verdict.Accepted);
    }

    [Theory]
    [InlineData("passwordstandard")]
    [InlineData("PasswordStandard")]
    public async Task CheckAsync_OnTheCommonList_Common(string password)
    {
        // Act
        var verdict = await CheckAsync(password);

        // Assert
        var message = SingleFailure(verdict, PasswordRules.Common);
        Assert.Contains("one of the most common passwords", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("password12345678!")]
    [InlineData("!!Dragon2024!!!!")]
    [InlineData("Baseball 1999 !!!")]
    [InlineData("2024 sunshine!!!")]
    public async Task CheckAsync_CommonPasswordWithEasyAdditions_Common(string password)
    {
        // Act
        var verdict = await CheckAsync(password);

        // Assert
        var message = SingleFailure(verdict, PasswordRules.Common);
        Assert.Contains("easy digits or symbols added", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_CommonWordWithManyUnguessableDigits_NotCommon()
    {
        // Act: the digits carry the strength; the rule only catches additions attackers try early.
        var verdict = await CheckAsync("dragon 8472 9471 2046");

        // Assert
        Assert.True(verdict.Accepted);
    }

    [Theory]
    [InlineData("frontdesk.jordan.lee likes tea", "It contains your username")]
    [InlineData("FRONTDESK JORDAN LEE likes tea", "It contains your username")]
    [InlineData("my jordan.lee.riverside mailbox", "It contains your email address")]
    [InlineData("npi 1234567893 is on the badge", "It contains your NPI")]
    [InlineData("riverside family practice rocks", "It contains the name of your organization")]
    [InlineData("signpost is my favourite site", "It contains the name of this service or a payer")]
    [InlineData("Jordan Lee, Jordan Lee!", "Apart from your name it has fewer than 15 characters")]
    [InlineData("JordanLee2024!!#", "Apart from your name it has fewer than 15 characters")]
    public async Task CheckAsync_ContextWords_ContextNamingTheKindOfWord(string password, string expected)
    {
        // Act
        var verdict = await CheckAsync(password);

        // Assert
        var message = SingleFailure(verdict, PasswordRules.Context);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CheckAsync_ConfiguredPayerName_Context()
    {
        // Arrange
        var policy = TestPasswords.Policy(options: new PasswordPolicyOptions { ContextWords = ["Signpost", "Lakeshore Health Plan"] });

        // Act
        var verdict = await CheckAsync("i love the lakeshore-health-plan portal", policy: policy);

        // Assert
        Assert.Contains("name of this service or a payer", SingleFailure(verdict, PasswordRules.Context), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Jordan likes long walks by the river")]
    [InlineData("tilt ogle eggnog")]
    [InlineData("sleek ferns glow!")]
    public async Task CheckAsync_NameWithEnoughOwnWordsOrOnlyInsideOtherWords_Accepted(string password)
    {
        // Act: a three-letter name part ("Lee") counts only as a word of its own.
        var verdict = await CheckAsync(password);

        // Assert
        Assert.True(verdict.Accepted, string.Join(" ", verdict.Messages));
    }

    [Theory]
    [InlineData("aaaaaaaaaaaaaaaa")]
    [InlineData("xqzxqzxqzxqzxqz")]
    [InlineData("hello hello hello hello")]
    [InlineData("               ")]
    public async Task CheckAsync_RepeatedUnit_Repetitive(string password)
    {
        // Act
        var verdict = await CheckAsync(password);

        // Assert
        var message = SingleFailure(verdict, PasswordRules.Repetitive);
        Assert.Contains("repeats the same characters", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abcdefghijklmnop")]
    [InlineData("qwertyuiopasdfgh")]
    [InlineData("ZYXWVUTSRQPONMLK")]
    [InlineData("1234-5678-9012-3456")]
    public async Task CheckAsync_SequenceOrKeyboardRun_Sequential(string password)
    {
        // Act
        var verdict = await CheckAsync(password);

        // Assert
        var message = SingleFailure(verdict, PasswordRules.Sequential);
        Assert.Contains("sequence of letters, numbers or neighbouring keys", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_DigitsOneToFiveAgain_SequentialAndCommonBoth()
    {
        // Act: a listed password (123456789) with more of the run added is both patterns at once.
        var verdict = await CheckAsync("123456789012345");

        // Assert
        Assert.Equal([PasswordRules.Common, PasswordRules.Sequential], verdict.Failures.Select(f => f.Rule));
    }

    [Fact]
    public async Task CheckAsync_RepeatedSequence_BothPatternsNamed()
    {
        // Act
        var verdict = await CheckAsync("abcabcabcabcabc");

        // Assert
        Assert.Equal([PasswordRules.Repetitive, PasswordRules.Sequential], verdict.Failures.Select(f => f.Rule));
    }

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("purple tractor sings at midnight")]
    [InlineData("riverside demo password")]
    [InlineData("a brand new sentence for spring")]
    public async Task CheckAsync_PassphraseOfCommonWords_PassesEveryRule(string password)
    {
        // Act
        var verdict = await CheckAsync(password);

        // Assert
        Assert.True(verdict.Accepted, string.Join(" ", verdict.Messages));
        Assert.Null(verdict.Note);
    }

    [Fact]
    public async Task CheckAsync_PasswordInHistory_Reused()
    {
        // Arrange: a real PBKDF2 hash (the hasher allows no fewer than 210,000 iterations, so one shared hash).
        var context = Context with { RecentHashes = [TestPasswords.Hashing.Hash("xq7 zv4 kw9 pm2"), TestPasswords.CorrectHash] };

        // Act
        var verdict = await CheckAsync(TestPasswords.Correct, context);

        // Assert
        Assert.Contains("used this password recently", SingleFailure(verdict, PasswordRules.Reused), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("!")]
    public async Task CheckAsync_HistoryComparedExactlyAsTyped_OneMoreCharacterIsNotReused(string added)
    {
        // Arrange
        var context = Context with { RecentHashes = [TestPasswords.CorrectHash] };

        // Act
        var verdict = await CheckAsync(TestPasswords.Correct + added, context);

        // Assert
        Assert.True(verdict.Accepted);
    }

    [Fact]
    public async Task CheckAsync_SameAsCurrent_Unchanged()
    {
        // Act
        var verdict = await CheckAsync("a quiet river in late spring", Context with { CurrentPassword = "a quiet river in late spring" });

        // Assert
        Assert.Equal("Choose a password different from the current one.", SingleFailure(verdict, PasswordRules.Unchanged));
    }

    [Fact]
    public async Task CheckAsync_CurrentDiffersOnlyInCase_NotUnchanged()
    {
        // Act
        var verdict = await CheckAsync("A quiet river in late spring", Context with { CurrentPassword = "a quiet river in late spring" });

        // Assert
        Assert.True(verdict.Accepted);
    }

    [Fact]
    public async Task CheckAsync_SeveralRulesFail_EachAddsItsOwnMessage()
    {
        // Act
        var verdict = await CheckAsync("abcdef", Context with { CurrentPassword = "abcdef" });

        // Assert
        Assert.Equal([PasswordRules.TooShort, PasswordRules.Sequential, PasswordRules.Unchanged], verdict.Failures.Select(f => f.Rule));
        Assert.Equal(3, verdict.Messages.Distinct().Count());
    }

    [Fact]
    public async Task CheckAsync_Breached_RejectedWithTheCount()
    {
        // Arrange
        var policy = TestPasswords.Policy(new FixedBreachCheck(new BreachCheckOutcome.Breached(52_256)));

        // Act
        var verdict = await CheckAsync("purple tractor sings at midnight", policy: policy);

        // Assert
        var message = SingleFailure(verdict, PasswordRules.Breached);
        Assert.Contains("52,256 times in known data breaches", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_BreachCheckUnavailable_AcceptedWithANote()
    {
        // Arrange
        var policy = TestPasswords.Policy(new FixedBreachCheck(new BreachCheckOutcome.Unavailable("no answer within 3 seconds")));

        // Act
        var verdict = await CheckAsync("purple tractor sings at midnight", policy: policy);

        // Assert
        Assert.True(verdict.Accepted);
        Assert.Equal("The breach check could not run: no answer within 3 seconds.", verdict.Note);
    }

    [Fact]
    public async Task CheckAsync_BreachCheckUnavailableAndRequired_RejectedToTryAgain()
    {
        // Arrange
        var options = new PasswordPolicyOptions { BreachCheck = { RejectWhenUnavailable = true } };
        var policy = TestPasswords.Policy(new FixedBreachCheck(new BreachCheckOutcome.Unavailable("the service answered 503")), options);

        // Act
        var verdict = await CheckAsync("purple tractor sings at midnight", policy: policy);

        // Assert
        var message = SingleFailure(verdict, PasswordRules.Breached);
        Assert.Contains("could not run", message, StringComparison.Ordinal);
        Assert.Contains("Try again", message, StringComparison.Ordinal);
        Assert.Equal("The breach check could not run: the service answered 503.", verdict.Note);
    }

    [Fact]
    public async Task CheckAsync_OtherRuleFails_BreachCheckNotAsked()
    {
        // Arrange
        var check = new FixedBreachCheck(new BreachCheckOutcome.Breached(1));

        // Act
        var verdict = await CheckAsync("too short", policy: TestPasswords.Policy(check));

        // Assert
        SingleFailure(verdict, PasswordRules.TooShort);
        Assert.Equal(0, check.Calls);
    }

    [Fact]
    public async Task CheckAsync_Accepted_BreachCheckGetsThePasswordAsTyped()
    {
        // Arrange
        var check = new FixedBreachCheck(new BreachCheckOutcome.NotFound());

        // Act
        var verdict = await CheckAsync(" purple tractor sings at midnight ", policy: TestPasswords.Policy(check));

        // Assert
        Assert.True(verdict.Accepted);
        Assert.Equal(" purple tractor sings at midnight ", check.LastPassword);
    }

    /// <summary>Deterministic lowercase words separated by spaces, exactly <paramref name="length"/> characters.</summary>
    private static string RandomWords(int length)
    {
        var random = new Random(1024);
        var builder = new StringBuilder(length);
        while (builder.Length < length)
        {
            builder.Append(builder.Length % 7 == 6 ? ' ' : (char)('a' + random.Next(26)));
        }

        return builder.ToString();
    }

    private sealed class FixedBreachCheck(BreachCheckOutcome outcome) : IBreachedPasswordCheck
    {
        public int Calls { get; private set; }

        public string? LastPassword { get; private set; }

        public Task<BreachCheckOutcome> CheckAsync(string password, CancellationToken cancellationToken)
        {
            Calls++;
            LastPassword = password;
            return Task.FromResult(outcome);
        }
    }
}
