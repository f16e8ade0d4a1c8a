using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Mfa;
using Signpost.Web.Tests.Admin;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Recovery;

namespace Signpost.Web.Tests.Mfa;

/// <summary>
/// A lost authenticator reset by the practice's administrator after the identity checks: everything removed,
/// sessions ended, audited with the checks, the person emailed (through a real SMTP server) and led to enrol.
/// </summary>
public sealed class MfaResetTests(RecoveryApp app) : IClassFixture<RecoveryApp>
{
    [Fact]
    public async Task AssistedReset_AllChecksTicked_RemovesTheFactorEndsSessionsAuditsAndEmails()
    {
        // Arrange: an enrolled member, signed in somewhere.
        var (slug, admin) = await app.PracticeAsync("reset");
        var person = await app.PersonAsync("noor", slug, PracticeRoles.Staff);
        await EnrolAsync(person);
        using var theirs = await app.SignedInAsync(person);
        using var console = await app.SignedInAsync(admin);
        var path = $"/admin/{slug}/users/{person.Id}";
        var before = app.Smtp.Received().Count;
        var form = await console.OpenFormAsync(path, "form[data-testid=mfa-reset-form]");

        // Act
        var response = await console.SubmitAsync(form, [new("checks", "photo-id"), new("checks", "call-back"), new("checks", "no-recovery-codes")]);
        var mail = await app.Smtp.WaitForAsync(before + 1, TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.TotpAuthenticators.CountAsync(a => a.AccountId == person.Id)));
        Assert.Equal(0, await app.WithDbAsync(db => db.RecoveryCodes.CountAsync(c => c.AccountId == person.Id)));
        var state = await app.WithDbAsync(db => db.SecondFactorStates.AsNoTracking().SingleAsync(s => s.AccountId == person.Id));
        Assert.True(state.EnrolmentRequired);
        Assert.Equal(HttpStatusCode.Redirect, (await theirs.GetAsync("/account/sessions")).StatusCode);
        var entry = Assert.Single(await app.AuditAsync(admin.Id, "mfa.reset"));
        Assert.Equal(person.Id.ToString(), entry.TargetId);
        Assert.Contains("\"identityChecks\":[\"photo-id\",\"call-back\",\"no-recovery-codes\"]", entry.After, StringComparison.Ordinal);
        Assert.Contains("\"removedAuthenticators\":1", entry.After, StringComparison.Ordinal);
        Assert.Single(await app.AuditAsync(admin.Id, "account.mfa-reset"));
        var email = Assert.Single(mail, m => m.To.Contains(person.Email));
        Assert.Equal("Your Signpost two-step verification was reset", email.Subject);
        Assert.Contains("Did you not ask for this?", email.Text, StringComparison.Ordinal);

        // The next sign-in leads to enrolment.
        using var next = app.CreateBrowser();
        Assert.Equal("/?notice=mfa", (await next.SignInAsync(person.Username, TestAccounts.Password)).Headers.Location?.OriginalString);
        Assert.Contains("assisted reset", (await app.EventsForAccountAsync(person.Id))[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssistedReset_ACheckLeftUnticked_ChangesNothing()
    {
        var (slug, admin) = await app.PracticeAsync("reset-unchecked");
        var person = await app.PersonAsync("omar", slug, PracticeRoles.Staff);
        await EnrolAsync(person);
        using var console = await app.SignedInAsync(admin);
        var form = await console.OpenFormAsync($"/admin/{slug}/users/{person.Id}", "form[data-testid=mfa-reset-form]");

        var response = await console.SubmitAsync(form, [new("checks", "photo-id")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Confirm every identity check", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.TotpAuthenticators.CountAsync(a => a.AccountId == person.Id)));
        Assert.Empty(await app.AuditAsync(admin.Id, "mfa.reset"));
    }

    [Fact]
    public async Task SupportReset_AllChecksTicked_RemovesTheFactorAuditsAndEmails()
    {
        // Arrange
        var (slug, _) = await app.PracticeAsync("reset-support");
        var person = await app.PersonAsync("lena", slug, PracticeRoles.Staff);
        await EnrolAsync(person);
        var agent = await app.PersonAsync("agent", null, PracticeRoles.None, platform: PlatformRoles.SupportAgent);
        using var desk = await app.SignedInAsync(agent);
        var before = app.Smtp.Received().Count;
        var form = await desk.OpenFormAsync($"/support/accounts/{person.Id}", "form[data-testid=mfa-reset-form]");

        // Act
        var response = await desk.SubmitAsync(form, [new("checks", "photo-id"), new("checks", "call-back"), new("checks", "no-recovery-codes")]);
        var mail = await app.Smtp.WaitForAsync(before + 1, TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.TotpAuthenticators.CountAsync(a => a.AccountId == person.Id)));
        var entry = Assert.Single(await app.AuditAsync(agent.Id, "mfa.reset"));
        Assert.Equal(person.Id.ToString(), entry.TargetId);
        Assert.Contains("no-recovery-codes", entry.After, StringComparison.Ordinal);
        var email = Assert.Single(mail, m => m.To.Contains(person.Email));
        Assert.Contains("The help desk reset the two-step verification", email.Text, StringComparison.Ordinal);
    }

    private Task EnrolAsync(Account person) => app.WithServicesAsync(async services =>
    {
        var enrolment = services.GetRequiredService<SecondFactorEnrolment>();
        var pending = (await enrolment.StartAsync(person.Id, "phone", CancellationToken.None))!;
        var outcome = await enrolment.ConfirmAsync(person.Id, pending.Authenticator.Id, TotpCodes.Compute(pending.Secret, TotpCodes.StepAt(app.Now)),
            AuditActor.Account(person.Id, person.Username, null, null), CancellationToken.None);
        Assert.True(outcome.Confirmed);
        return outcome;
    });
}
