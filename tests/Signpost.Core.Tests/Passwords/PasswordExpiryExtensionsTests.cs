using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Core.Passwords;
using Signpost.Core.Tests.Fakes;

namespace Signpost.Core.Tests.Passwords;

/// <summary>An operator's extension: what it stores, what it changes, and what it refuses.</summary>
public sealed class PasswordExpiryExtensionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly InMemoryAccountStore _accounts = new();
    private readonly InMemoryPasswordExpiryDirectory _directory;
    private readonly PasswordExpiryExtensions _extensions;
    private readonly Organization _practice = new() { Slug = "oakridge", Name = "Oakridge Cardiology", Policy = new OrganizationPolicy { PasswordExpiryDays = 30 } };

    public PasswordExpiryExtensionsTests()
    {
        _directory = new InMemoryPasswordExpiryDirectory(_accounts);
        _extensions = new PasswordExpiryExtensions(_accounts, _directory, _time);
    }

    private Account Member(double passwordAgeDays, Organization? organization = null)
    {
        var account = new Account
        {
            Username = "ivy",
            Email = "ivy@clinic.example",
            DisplayName = "Ivy",
            Status = AccountStatus.Active,
            PasswordHash = "hash",
            PasswordChangedAt = Now.AddDays(-passwordAgeDays),
        };
        organization ??= _practice;
        account.Memberships.Add(new Membership { AccountId = account.Id, OrganizationId = organization.Id, Organization = organization });
        _directory.Track(account);
        return account;
    }

    [Fact]
    public async Task Grant_ExpiredPassword_MovesExpiryAndSignInNoLongerSeesItExpired()
    {
        // Arrange: a 30-day policy, a password 35 days old.
        var ivy = Member(35);

        // Act
        var result = await _extensions.GrantAsync(ivy.Id, 10, CancellationToken.None);

        // Assert
        Assert.Equal(ExpiryExtensionStatus.Granted, result.Status);
        Assert.Equal(Now.AddDays(-5), result.PreviousExpiresAt);
        Assert.Equal(Now.AddDays(5), result.ExpiresAt);
        Assert.False(result.StillExpired);
        Assert.Equal(10, (await _accounts.FindByIdAsync(ivy.Id, CancellationToken.None))!.PasswordExpiryExtensionDays);
        Assert.Null(PasswordExpiry.ExpiredAt(ivy, [_practice], Now));
    }

    [Fact]
    public async Task Grant_Twice_ReplacesRatherThanAdds()
    {
        var ivy = Member(20);

        await _extensions.GrantAsync(ivy.Id, 30, CancellationToken.None);
        var second = await _extensions.GrantAsync(ivy.Id, 30, CancellationToken.None);

        Assert.Equal(30, ivy.PasswordExpiryExtensionDays);
        Assert.Equal(Now.AddDays(40), second.ExpiresAt);
    }

    [Fact]
    public async Task Grant_TooFewDaysForAnExpiredPassword_GrantedButStillExpired()
    {
        var ivy = Member(40);

        var result = await _extensions.GrantAsync(ivy.Id, 3, CancellationToken.None);

        Assert.Equal(ExpiryExtensionStatus.Granted, result.Status);
        Assert.True(result.StillExpired);
        Assert.Equal(3, ivy.PasswordExpiryExtensionDays);
    }

    [Fact]
    public async Task Grant_ExpiryOff_StoredWithNoExpiryDate()
    {
        var ivy = Member(400, new Organization { Slug = "quiet", Name = "Quiet Clinic" });

        var result = await _extensions.GrantAsync(ivy.Id, 30, CancellationToken.None);

        Assert.Equal(ExpiryExtensionStatus.Granted, result.Status);
        Assert.Null(result.PreviousExpiresAt);
        Assert.Null(result.ExpiresAt);
        Assert.False(result.StillExpired);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(366)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public async Task Grant_DaysOutsideOneTo365_RefusedAndNothingStored(int days)
    {
        var ivy = Member(35);

        var result = await _extensions.GrantAsync(ivy.Id, days, CancellationToken.None);

        Assert.Equal(ExpiryExtensionStatus.InvalidDays, result.Status);
        Assert.Equal(0, ivy.PasswordExpiryExtensionDays);
    }

    [Fact]
    public async Task Grant_UnknownAccount_Refused()
    {
        var result = await _extensions.GrantAsync(Guid.NewGuid(), 10, CancellationToken.None);

        Assert.Equal(ExpiryExtensionStatus.UnknownAccount, result.Status);
        Assert.Null(result.Account);
    }

    [Fact]
    public async Task Grant_PasswordChangedBetweenReadAndWrite_ReadsAgainAndExtendsTheCurrentPassword()
    {
        // Arrange: the person chooses a new password just before the first write.
        var ivy = Member(35);
        _directory.BeforeWrite = () =>
        {
            ivy.PasswordChangedAt = Now.AddDays(-1);
            _directory.BeforeWrite = null;
        };

        // Act
        var result = await _extensions.GrantAsync(ivy.Id, 10, CancellationToken.None);

        // Assert: the write for the old password matched nothing; the second read saw the new one.
        Assert.Equal(1, _directory.StaleWrites);
        Assert.Equal(ExpiryExtensionStatus.Granted, result.Status);
        Assert.Equal(Now.AddDays(39), result.ExpiresAt);
        Assert.Equal(10, ivy.PasswordExpiryExtensionDays);
    }
}
