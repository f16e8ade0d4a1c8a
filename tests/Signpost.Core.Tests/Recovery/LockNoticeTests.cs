using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Accounts;
using Signpost.Core.Lockout;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.Recovery;

namespace Signpost.Core.Tests.Recovery;

/// <summary>
/// The words for a lock's end, read on a clock moved to a few seconds either side of it: never a time that
/// is already past, never an end earlier than the real one, and one sentence once the lock is over.
/// </summary>
public sealed class LockNoticeTests
{
    // Monday 2 March 2026: Chicago is on standard time (UTC-06:00) until 8 March.
    private static readonly DateTimeOffset Until = new DateTimeOffset(2026, 3, 2, 9, 15, 13, TimeSpan.Zero).AddMilliseconds(500);
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");

    [Fact]
    public void Describe_ThreeSecondsBeforeTheEnd_ShowsTheNextMinute_InPracticeZoneAndUtc()
    {
        var clock = new FakeTimeProvider(Until.AddSeconds(-3));

        var text = LockNotice.Describe(Until, clock.GetUtcNow(), Chicago);

        Assert.Equal("The lock ends at Mon 2 Mar 2026 03:16 (America/Chicago), Mon 2 Mar 2026 09:16 UTC — in about 1 minute.", text);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(59)]
    public void Describe_AtOrAfterTheEnd_SaysNoLongerLocked_AndShowsNoTime(int secondsAfter)
    {
        var clock = new FakeTimeProvider(Until.AddSeconds(secondsAfter));

        var text = LockNotice.Describe(Until, clock.GetUtcNow(), Chicago);

        Assert.Equal("Your account is no longer locked — sign in again.", text);
        Assert.Equal(LockNotice.Ended, text);
    }

    [Fact]
    public void Describe_HalfASecondBeforeTheEnd_StillAnEndInTheFuture()
    {
        var clock = new FakeTimeProvider(Until.AddMilliseconds(-500));

        var text = LockNotice.Describe(Until, clock.GetUtcNow(), zone: null);

        Assert.Equal("The lock ends at Mon 2 Mar 2026 09:16 UTC — in about 1 minute.", text);
    }

    [Fact]
    public void Describe_FifteenMinutesAhead_CountsWholeMinutesRoundedUp()
    {
        var clock = new FakeTimeProvider(Until.AddMinutes(-15).AddSeconds(-2));

        Assert.EndsWith("— in about 16 minutes.", LockNotice.Describe(Until, clock.GetUtcNow(), Chicago), StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.EndsWith("— in about 15 minutes.", LockNotice.Describe(Until, clock.GetUtcNow(), Chicago), StringComparison.Ordinal);
    }

    [Fact]
    public void Within_ADayLongLock_SpeaksInHours()
    {
        Assert.Equal("in about 24 hours", LockNotice.Within(Until, Until.AddDays(-1)));
        Assert.Equal("in about 90 minutes", LockNotice.Within(Until, Until.AddMinutes(-90)));
        Assert.Equal("in about 2 hours", LockNotice.Within(Until, Until.AddMinutes(-91)));
    }

    [Theory]
    [InlineData(0, "09:15:00", "09:15:00")]
    [InlineData(1, "09:16:00", "09:15:01")]
    [InlineData(13_500, "09:16:00", "09:15:14")]
    [InlineData(59_999, "09:16:00", "09:16:00")]
    public void ShownAndMachineEnd_RoundUp_NeverDown(int millisecondsPastTheMinute, string person, string machine)
    {
        var until = new DateTimeOffset(2026, 3, 2, 9, 15, 0, TimeSpan.Zero).AddMilliseconds(millisecondsPastTheMinute);

        var shown = LockNotice.ShownEnd(until);
        var api = LockNotice.MachineEnd(until);

        Assert.Equal(person, shown.UtcDateTime.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(machine, api.UtcDateTime.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(shown >= until && api >= until);
    }

    [Fact]
    public void ZoneFor_PagePracticeFirst_ThenTheZoneTheAccountsPracticesShare_ElseUtcOnly()
    {
        var chicago = new Organization { Slug = "c", Name = "C", TimeZone = "America/Chicago" };
        var denver = new Organization { Slug = "d", Name = "D", TimeZone = "America/Denver" };
        var one = Person(chicago);
        var two = Person(chicago, denver);

        Assert.Equal("America/Chicago", LockNotice.ZoneFor(one)?.Id);
        Assert.Null(LockNotice.ZoneFor(two));
        Assert.Equal("America/Denver", LockNotice.ZoneFor(two, denver)?.Id);
        Assert.Null(LockNotice.ZoneFor(null));
    }

    [Fact]
    public void UnlockEmail_ThreeSecondsBeforeTheEnd_TrustedBrowsersOwnLock_SaysWhoseLockAndThatWaitingIsEnough()
    {
        var clock = new FakeTimeProvider(Until.AddSeconds(-3));
        var account = Person(new Organization { Slug = "c", Name = "C", TimeZone = "America/Chicago" });
        var counter = new LockoutCounter { AccountId = account.Id, DeviceKey = Guid.NewGuid().ToString(), FailureCount = 5, LockedUntil = Until };

        var mail = RecoveryEmails.Unlock(account, "https://signpost.test/unlock/confirm?token=t", counter, clock.GetUtcNow(), Chicago, Until.AddMinutes(30));

        Assert.Contains("locked on one browser you have signed in from before, after 5 wrong passwords were typed on that browser", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("does not know", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("The lock ends at Mon 2 Mar 2026 03:16 (America/Chicago), Mon 2 Mar 2026 09:16 UTC — in about 1 minute.", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("once that time has passed the lock is over. Then sign in again; no link and no password reset is needed.", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void LockEndedEmail_ThreeSecondsAfterTheEnd_SaysThePagesSentence_SignInFirst_ResetSecond()
    {
        var account = Person(new Organization { Slug = "c", Name = "C", TimeZone = "America/Chicago" });
        var clock = new FakeTimeProvider(Until.AddSeconds(3));

        var mail = RecoveryEmails.LockEnded(account, "https://signpost.test/sign-in", "https://signpost.test/reset-password?token=t", Until.AddMinutes(30));
        var page = LockNotice.Describe(Until, clock.GetUtcNow(), Chicago);

        Assert.Equal("Your Signpost account is no longer locked", mail.Subject);
        Assert.Contains(page, mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("not locked", mail.TextBody.Replace("no longer locked", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var signIn = mail.TextBody.IndexOf("https://signpost.test/sign-in", StringComparison.Ordinal);
        var reset = mail.TextBody.IndexOf("https://signpost.test/reset-password", StringComparison.Ordinal);
        Assert.True(signIn >= 0 && reset > signIn, "The sign-in link comes first, the reset second.");
    }

    [Fact]
    public void Catalogue_ALocksPublicFace_SaysNothingOfALock()
    {
        var locked = ReasonCatalogue.Get(ReasonCodes.AccountLocked);
        var face = ReasonCatalogue.Get(locked.PublicCode);

        Assert.Equal(ReasonVisibility.TrustedDevice, locked.Visibility);
        Assert.Equal(ReasonCodes.InvalidCredentials, face.Code);
        Assert.Equal(face.HttpStatus, locked.HttpStatus);
        Assert.DoesNotContain("lock", face.UserMessage.Replace("Caps Lock", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Catalogue_AccountLocked_TellsTheTrustedBrowserItsOwnStory()
    {
        var locked = ReasonCatalogue.Get(ReasonCodes.AccountLocked);

        Assert.Contains("on this browser", locked.UserMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("does not know", locked.UserMessage, StringComparison.Ordinal);
        Assert.Contains("no reset is needed", locked.ImmediateAction, StringComparison.Ordinal);
    }

    private static Account Person(params Organization[] practices)
    {
        var account = new Account { Username = "dana", Email = "dana@clinic.example", DisplayName = "Dana" };
        account.Memberships.AddRange(practices.Select(o => new Membership { AccountId = account.Id, OrganizationId = o.Id, Organization = o }));
        return account;
    }
}
