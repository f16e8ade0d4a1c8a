using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Api;

/// <summary>
/// No account enumeration (docs/design.md §3): an identifier nobody has and one that exists, each with a wrong
/// password, give the same status, headers, cookies and body — on the API and on the page. At the
/// production hashing cost, so the unknown identifier really goes through the full-cost dummy hash.
/// </summary>
public sealed class EnumerationTests(RealCostApp app) : IClassFixture<RealCostApp>
{
    [Fact]
    public async Task ApiSignIn_UnknownVersusKnownIdentifier_IdenticalApartFromTraceIdAndTime()
    {
        // Arrange
        var slug = TestAccounts.Unique("elmwood");
        await app.CreateOrganizationAsync(slug, "Elmwood Clinic");
        var known = await app.CreateAccountAsync(TestAccounts.Unique("known"), slug);
        var unknown = TestAccounts.Unique("ghost");
        using var first = app.CreateBrowser();
        using var second = app.CreateBrowser();

        // Act
        var unknownResponse = await first.ApiSignInAsync(unknown, TestAccounts.WrongPassword);
        var knownResponse = await second.ApiSignInAsync(known.Username, TestAccounts.WrongPassword);

        // Assert
        var unknownSnapshot = await ResponseSnapshot.TakeAsync(unknownResponse);
        Assert.Equal(401, unknownSnapshot.Status);
        Assert.Equal(unknownSnapshot, await ResponseSnapshot.TakeAsync(knownResponse));
        Assert.Empty(first.AllCookies());
        Assert.Empty(second.AllCookies());

        var unknownEvent = await app.EventAsync(unknownResponse.Headers.GetValues("X-Trace-Id").Single());
        Assert.Equal(ReasonCodes.InvalidCredentials, unknownEvent.ReasonCode);
        Assert.Null(unknownEvent.AccountId);
        Assert.Equal(unknown, unknownEvent.Identifier);
        var knownEvent = await app.EventAsync(knownResponse.Headers.GetValues("X-Trace-Id").Single());
        Assert.Equal(ReasonCodes.InvalidCredentials, knownEvent.ReasonCode);
        Assert.Equal(known.Id, knownEvent.AccountId);
    }

    [Fact]
    public async Task PageSignIn_UnknownVersusKnownIdentifier_IdenticalApartFromTokensTraceIdAndTime()
    {
        // Arrange: identifiers of the same length, so even the echoed field cannot differ in size.
        var slug = TestAccounts.Unique("ashford");
        await app.CreateOrganizationAsync(slug, "Ashford Pediatrics");
        var known = await app.CreateAccountAsync(TestAccounts.Unique("known"), slug);
        var unknown = TestAccounts.Unique("ghost");
        Assert.Equal(known.Username.Length, unknown.Length);
        using var first = app.CreateBrowser();
        using var second = app.CreateBrowser();
        var firstForm = await first.OpenFormAsync($"/o/{slug}");
        var secondForm = await second.OpenFormAsync($"/o/{slug}");

        // Act
        var unknownResponse = await first.SubmitAsync(firstForm, [new("identifier", unknown), new("password", TestAccounts.WrongPassword)]);
        var knownResponse = await second.SubmitAsync(secondForm, [new("identifier", known.Username), new("password", TestAccounts.WrongPassword)]);

        // Assert
        var unknownSnapshot = await ResponseSnapshot.TakeAsync(unknownResponse, unknown);
        Assert.Equal(200, unknownSnapshot.Status);
        Assert.Contains($"data-code=\"{ReasonCodes.InvalidCredentials}\"", unknownSnapshot.Body, StringComparison.Ordinal);
        Assert.Equal(unknownSnapshot, await ResponseSnapshot.TakeAsync(knownResponse, known.Username));
        Assert.Equal(first.AllCookies().Select(c => c.Name).Order(), second.AllCookies().Select(c => c.Name).Order());
        Assert.DoesNotContain(first.AllCookies(), c => c.Name == "sp_session");

        var knownEvent = await app.EventAsync(knownResponse.Headers.GetValues("X-Trace-Id").Single());
        Assert.Equal(ReasonCodes.InvalidCredentials, knownEvent.ReasonCode);
        Assert.Equal(known.Id, knownEvent.AccountId);
        Assert.Null((await app.EventAsync(unknownResponse.Headers.GetValues("X-Trace-Id").Single())).AccountId);
    }
}
