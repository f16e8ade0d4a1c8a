using Signpost.Core.Reasons;

namespace Signpost.Core.Tests.SignIn;

/// <summary>Input that cannot be an attempt stops before any lookup or hashing, but is still recorded.</summary>
public sealed class PasswordSignInInputTests
{
    private const string Slug = "riverside-family";
    private readonly SignInHarness _h = new();

    public static TheoryData<string?, string?, int> Malformed() => new()
    {
        { null, TestPasswords.Correct, 1 },
        { "", TestPasswords.Correct, 1 },
        { "   ", TestPasswords.Correct, 1 },
        { new string('a', 255), TestPasswords.Correct, 1 },
        { "jordan.lee\0", TestPasswords.Correct, 1 },
        { "jordan.lee\r\nsigned_in", TestPasswords.Correct, 1 },
        { "jordan.lee", null, 1 },
        { "jordan.lee", "", 1 },
        { "jordan.lee", new string('p', 1025), 1 },
        { null, null, 2 },
        { new string('a', 300), new string('p', 5000), 2 },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task SignInAsync_MalformedInput_InvalidRequestWithoutLookupOrHashing(string? identifier, string? password, int problemCount)
    {
        // Arrange
        _h.AddAccount();

        // Act
        var result = await _h.SignInAsync(identifier, password, slug: Slug);

        // Assert: the outcome
        Assert.Equal(ReasonCodes.InvalidRequest, result.Reason.Code);
        Assert.Equal(ReasonCodes.InvalidRequest, result.Shown.Code);
        Assert.Equal(400, result.Shown.HttpStatus);
        Assert.Equal(problemCount, result.Problems.Count);
        Assert.Null(result.Account);

        // Assert: nothing was looked up, hashed, counted or started (the hash follows the account lookup)
        Assert.Equal(0, _h.Accounts.IdentifierLookups);
        Assert.Equal(0, _h.Organizations.Lookups);
        Assert.Empty(_h.Accounts.PasswordHashUpdates);
        Assert.Equal(0, _h.Lockouts.Count);
        Assert.Empty(_h.Sessions.All);

        // Assert: the attempt is recorded all the same, with the identifier made safe for logs
        var recorded = Assert.Single(_h.Events.All);
        Assert.Equal(ReasonCodes.InvalidRequest, recorded.ReasonCode);
        Assert.Equal(ReasonCodes.InvalidRequest, recorded.ShownReasonCode);
        Assert.Null(recorded.AccountId);
        Assert.False(recorded.Succeeded);
        Assert.Equal(string.Join(" ", result.Problems), recorded.Detail);
        Assert.DoesNotContain(recorded.Identifier ?? "", char.IsControl);
        Assert.True((recorded.Identifier?.Length ?? 0) <= 256);
        Assert.DoesNotContain(TestPasswords.Correct, recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInAsync_IdentifierAndPasswordAtTheirMaximumLength_AreAttempts()
    {
        // Arrange
        _h.AddAccount();

        // Act
        var result = await _h.SignInAsync(new string('a', 254), new string('p', 1024));

        // Assert
        Assert.Equal(ReasonCodes.InvalidCredentials, result.Reason.Code);
        Assert.Equal(1, _h.Accounts.IdentifierLookups);
        Assert.Equal(new string('a', 254), _h.EventOf(result).Identifier);
    }
}
