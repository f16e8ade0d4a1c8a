using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Mfa;
using Signpost.Core.Organizations;
using Signpost.Core.Passwords;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Mfa;

/// <summary>The person's own enrolment page, and the password rule that follows a second factor (8 characters instead of 15).</summary>
public sealed partial class MfaEnrolmentTests(MfaApp app) : IClassFixture<MfaApp>
{
    [Fact]
    public async Task EnrolmentPage_QrAndKeyThenFirstCode_ConfirmsAndShowsTenRecoveryCodesOnce()
    {
        // Arrange
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.Optional);
        using var browser = app.CreateBrowser();
        await browser.SignInAsync(person.Username, TestAccounts.Password);

        // Act: name it, read the key as text (as a person typing it would), confirm with the app's code.
        var start = await browser.SubmitAsync(await browser.OpenFormAsync("/account/second-factor", "form[action*=Start]"), [new("name", "front desk phone")]);
        var (_, pending) = await browser.GetPageAsync(Redirects.To(start)!);
        var key = pending.QuerySelector("[data-testid=totp-key]")!.TextContent.Replace(" ", "", StringComparison.Ordinal);
        var secret = OtpNet.Base32Encoding.ToBytes(key);
        var confirm = HtmlForm.From(pending, Redirects.To(start)!, "form[action*=Confirm]");
        var confirmed = await browser.SubmitAsync(confirm, [new("code", TotpCodes.Compute(secret, TotpCodes.StepAt(app.Clock.GetUtcNow())))]);
        var page = await TestBrowser.ParseAsync(confirmed);
        var later = (await browser.GetPageAsync("/account/second-factor")).Document;

        // Assert
        Assert.StartsWith("data:image/png;base64,", pending.QuerySelector("[data-testid=totp-qr]")!.GetAttribute("src"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var codes = page.QuerySelectorAll("[data-testid=recovery-codes] code").Select(c => c.TextContent).ToList();
        Assert.Equal(10, codes.Count);
        Assert.All(codes, c => Assert.Matches(RecoveryCodeShape(), c));
        Assert.Empty(later.QuerySelectorAll("[data-testid=recovery-codes] code"));
        Assert.Contains("front desk phone", later.QuerySelector("[data-testid=authenticators]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("10 of 10 left.", later.QuerySelector("[data-testid=recovery-left]")!.TextContent.Trim());
        var stored = await app.WithDbAsync(db => db.TotpAuthenticators.AsNoTracking().SingleAsync(a => a.AccountId == person.Id));
        Assert.NotNull(stored.ConfirmedAt);
        Assert.DoesNotContain(key, stored.ProtectedSecret, StringComparison.Ordinal);
        var hashes = await app.WithDbAsync(db => db.RecoveryCodes.AsNoTracking().Where(c => c.AccountId == person.Id).Select(c => c.Hash).ToListAsync());
        Assert.Equal(10, hashes.Count);
        Assert.DoesNotContain(hashes, h => codes.Any(c => h.Contains(c.Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase)));
        var audit = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.TargetId == person.Id.ToString()).Select(e => e.Action + " " + e.After).ToListAsync());
        Assert.Contains(audit, a => a.StartsWith("mfa.authenticator_added", StringComparison.Ordinal) && a.Contains("front desk phone", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, a => a.Contains(key, StringComparison.Ordinal) || codes.Any(c => a.Contains(c, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task EnrolmentPage_WrongOrSkewedFirstCode_IsRefusedAndNothingIsAFactorYet()
    {
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.Optional);
        using var browser = app.CreateBrowser();
        await browser.SignInAsync(person.Username, TestAccounts.Password);
        var start = await browser.SubmitAsync(await browser.OpenFormAsync("/account/second-factor", "form[action*=Start]"), [new("name", "phone")]);
        var (_, pending) = await browser.GetPageAsync(Redirects.To(start)!);
        var secret = OtpNet.Base32Encoding.ToBytes(pending.QuerySelector("[data-testid=totp-key]")!.TextContent.Replace(" ", "", StringComparison.Ordinal));

        var skewed = await browser.SubmitAsync(HtmlForm.From(pending, Redirects.To(start)!, "form[action*=Confirm]"),
            [new("code", TotpCodes.Compute(secret, TotpCodes.StepAt(app.Clock.GetUtcNow()) - 6))]);

        var problem = (await TestBrowser.ParseAsync(skewed)).QuerySelector("[data-testid=mfa-problem]")!.TextContent;
        Assert.Contains("about 3 minutes behind", problem, StringComparison.Ordinal);
        Assert.Null(await app.WithDbAsync(db => db.TotpAuthenticators.AsNoTracking().Where(a => a.AccountId == person.Id).Select(a => a.ConfirmedAt).SingleAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.RecoveryCodes.CountAsync(c => c.AccountId == person.Id)));
    }

    [Fact]
    public async Task PasswordChange_WithASecondFactor_EightCharactersSuffice_WithoutOneFifteen()
    {
        // Arrange
        var (_, enrolled) = await app.PersonAsync(SecondFactorPolicy.Optional);
        await app.EnrolAsync(enrolled);
        var (_, plain) = await app.PersonAsync(SecondFactorPolicy.Optional);
        const string shortPassword = "Tulip-42x";

        // Act
        var withFactor = await ChangeAsync(enrolled, shortPassword);
        var without = await ChangeAsync(plain, shortPassword);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, withFactor.StatusCode);
        Assert.Equal(HttpStatusCode.OK, without.StatusCode);
        Assert.Contains($"Use at least {PasswordPolicy.MinimumLengthSingleFactor} characters", await without.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(Core.Reasons.ReasonCodes.PasswordNotAccepted, (await app.EventsForAccountAsync(plain.Id))[^1].ReasonCode);
    }

    private async Task<HttpResponseMessage> ChangeAsync(Core.Accounts.Account person, string newPassword)
    {
        using var browser = app.CreateBrowser();
        await browser.SignInAsync(person.Username, TestAccounts.Password);
        var form = await browser.OpenFormAsync("/account/password");
        return await browser.SubmitAsync(form, [new("current", TestAccounts.Password), new("newPassword", newPassword), new("confirm", newPassword)]);
    }

    [GeneratedRegex("^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")]
    private static partial Regex RecoveryCodeShape();
}
