using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Pages;

/// <summary>The signed-in person's own change-password page (<c>/account/password</c>).</summary>
public sealed class AccountPasswordTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task AccountPassword_NewPasswordsDiffer_PasswordNotAcceptedAndChangesNothing()
    {
        // Arrange
        var slug = TestAccounts.Unique("birchwood");
        await app.CreateOrganizationAsync(slug, "Birchwood Family Medicine");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("sam"), slug);
        using var browser = app.CreateBrowser();
        await browser.SignInAsync(account.Username, TestAccounts.Password);
        var form = await browser.OpenFormAsync("/account/password");

        // Act
        var response = await browser.SubmitAsync(form,
            [new("current", TestAccounts.Password), new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword + "x")]);

        // Assert: refused at the edge, recorded against the signed-in account, the password unchanged
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var failure = PageFailure.Read(await TestBrowser.ParseAsync(response));
        Assert.Equal(ReasonCodes.PasswordNotAccepted, failure.Code);
        var recorded = await app.EventAsync(failure.TraceId);
        Assert.Equal((SignInMethod.ChangePassword, ReasonCodes.PasswordNotAccepted), (recorded.Method, recorded.ReasonCode));
        Assert.Equal(account.Id, recorded.AccountId);
        Assert.Equal("The two new passwords differ.", recorded.Detail);
        Assert.True(recorded.CookiesWorking);
        var hash = await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.PasswordHash).SingleAsync());
        Assert.Equal(account.PasswordHash, hash);
    }
}
