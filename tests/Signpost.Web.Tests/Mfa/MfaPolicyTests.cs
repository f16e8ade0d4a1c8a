using System.Net;
using Signpost.Core.Accounts;
using Signpost.Core.Mfa;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Mfa;

/// <summary>
/// The policy matrix: off / optional / admins / everyone × enrolled or not × inside or after grace, for an
/// administrator and a staff member, through the real API; and the step-up rule where the policy is optional.
/// </summary>
public sealed class MfaPolicyTests(MfaApp app) : IClassFixture<MfaApp>
{
    public enum Grace
    {
        Inside,
        After,
    }

    public static TheoryData<SecondFactorPolicy, PracticeRoles, bool, Grace, string, bool> Matrix()
    {
        var data = new TheoryData<SecondFactorPolicy, PracticeRoles, bool, Grace, string, bool>();
        foreach (var policy in Enum.GetValues<SecondFactorPolicy>())
        {
            foreach (var roles in new[] { PracticeRoles.Staff, PracticeRoles.PracticeAdmin })
            {
                var required = policy == SecondFactorPolicy.RequiredForEveryone || (policy == SecondFactorPolicy.RequiredForAdmins && roles == PracticeRoles.PracticeAdmin);
                foreach (var enrolled in new[] { true, false })
                {
                    foreach (var grace in Enum.GetValues<Grace>())
                    {
                        // Expected: the reason of the (first) answer, and whether it leads to enrolment.
                        var (code, enrol) = (required, enrolled, grace) switch
                        {
                            (true, true, _) => (ReasonCodes.MfaRequired, false),
                            (true, false, Grace.Inside) => (ReasonCodes.SignedIn, true),
                            (true, false, Grace.After) => (ReasonCodes.MfaNotEnrolled, false),
                            _ => (ReasonCodes.SignedIn, false),
                        };
                        data.Add(policy, roles, enrolled, grace, code, enrol);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task SignIn_PolicyRoleEnrolmentAndGrace_AnswersAsThePolicySays(
        SecondFactorPolicy policy, PracticeRoles roles, bool enrolled, Grace grace, string expectedCode, bool leadsToEnrolment)
    {
        // Arrange: a first sign-in starts the grace; "after" moves the clock past it.
        var (_, person) = await app.PersonAsync(policy, roles, graceDays: 3);
        if (enrolled)
        {
            await app.EnrolAsync(person);
        }

        using (var first = app.CreateBrowser())
        {
            await first.ApiSignInAsync(person.Username, TestAccounts.Password);
        }

        if (grace == Grace.After)
        {
            app.Clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        }

        using var client = app.CreateBrowser();

        // Act
        var response = await client.ApiSignInAsync(person.Username, TestAccounts.Password);
        var body = await TestBrowser.JsonAsync(response);

        // Assert: the answer's code, the event's reason and what the person was shown.
        Assert.Equal(expectedCode, body.GetProperty("code").GetString());
        var recorded = await app.EventAsync(body.GetProperty("traceId").GetString()!);
        Assert.Equal((expectedCode, expectedCode), (recorded.ReasonCode, recorded.ShownReasonCode));
        Assert.Equal(leadsToEnrolment, body.TryGetProperty("secondFactorEnrolmentDueBy", out var due) && due.ValueKind == System.Text.Json.JsonValueKind.String);
        if (expectedCode == ReasonCodes.MfaNotEnrolled)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("grace of 3 day(s)", recorded.Detail, StringComparison.Ordinal);
        }

        if (leadsToEnrolment)
        {
            Assert.Contains("within grace until", recorded.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SignInPage_WithinGraceWithoutAFactor_LeadsToEnrolment()
    {
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        using var browser = app.CreateBrowser();

        var response = await browser.SignInAsync(person.Username, TestAccounts.Password);
        var home = await browser.GetPageAsync(Redirects.To(response)!);
        var link = home.Document.QuerySelector("[data-testid=enrol-required] a")!.GetAttribute("href")!;
        var enrolment = await browser.GetPageAsync(link);

        Assert.Equal("/?notice=mfa", Redirects.To(response));
        Assert.Equal(HttpStatusCode.OK, enrolment.Response.StatusCode);
        Assert.NotNull(enrolment.Document.QuerySelector("[data-testid=enrol-required]"));
        Assert.NotNull(enrolment.Document.QuerySelector("form input[name=name]"));
    }

    [Fact]
    public async Task SignIn_PayerStaffWithoutAFactor_AreHeldToOneWhateverThePractices()
    {
        var support = await app.CreateAccountAsync(TestAccounts.Unique("agent"), null, platformRoles: PlatformRoles.SupportAgent);
        using var client = app.CreateBrowser();

        var inside = await TestBrowser.JsonAsync(await client.ApiSignInAsync(support.Username, TestAccounts.Password));
        app.Clock.Advance(TimeSpan.FromDays(SecondFactorRules.StaffGraceDays) + TimeSpan.FromMinutes(1));
        var after = await TestBrowser.JsonAsync(await client.ApiSignInAsync(support.Username, TestAccounts.Password));

        Assert.Equal(ReasonCodes.SignedIn, inside.GetProperty("code").GetString());
        Assert.Equal(JsonValueKindString, inside.GetProperty("secondFactorEnrolmentDueBy").ValueKind);
        Assert.Equal(ReasonCodes.MfaNotEnrolled, after.GetProperty("code").GetString());
        Assert.Contains("payer staff always need a second factor", (await app.EventAsync(after.GetProperty("traceId").GetString()!)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_OptionalAndEnrolled_StepsUpOnlyForANewBrowserFromANewNetwork()
    {
        // Arrange: the person signed in before from 198.51.100.7 (its /24 is known).
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.Optional);
        var enrolled = await app.EnrolAsync(person);
        using var usual = app.BrowserFrom("198.51.100.7");
        var before = await TestBrowser.JsonAsync(await usual.ApiSignInAsync(person.Username, TestAccounts.Password));
        Assert.Equal(ReasonCodes.MfaRequired, before.GetProperty("code").GetString());
        var (done, _) = await MfaApp.ApiAsync(usual, "/api/v1/sign-in/second-factor", new { challengeToken = before.GetProperty("challengeToken").GetString(), code = app.CodeOf(enrolled) });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);

        // Act
        var sameBrowserNewNetwork = await SignInFromAsync(usual, "203.0.113.9", person);
        using var newBrowserSameNetwork = app.BrowserFrom("198.51.100.200");
        var sameNetwork = await SignInFromAsync(newBrowserSameNetwork, null, person);
        using var stranger = app.BrowserFrom("192.0.2.80");
        var newBoth = await TestBrowser.JsonAsync(await stranger.ApiSignInAsync(person.Username, TestAccounts.Password));

        // Assert
        Assert.Equal(ReasonCodes.SignedIn, sameBrowserNewNetwork);
        Assert.Equal(ReasonCodes.SignedIn, sameNetwork);
        Assert.Equal(ReasonCodes.MfaRequired, newBoth.GetProperty("code").GetString());
        var stepUp = await app.EventAsync(newBoth.GetProperty("traceId").GetString()!);
        Assert.Contains("step-up", stepUp.Detail, StringComparison.Ordinal);
        Assert.Contains("192.0.2.0/24", stepUp.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_OffAndEnrolled_NeverAsksEvenFromANewBrowserAndNetwork()
    {
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.Off);
        await app.EnrolAsync(person);
        using var stranger = app.BrowserFrom("192.0.2.44");

        var body = await TestBrowser.JsonAsync(await stranger.ApiSignInAsync(person.Username, TestAccounts.Password));

        Assert.Equal(ReasonCodes.SignedIn, body.GetProperty("code").GetString());
    }

    private const System.Text.Json.JsonValueKind JsonValueKindString = System.Text.Json.JsonValueKind.String;

    private static async Task<string?> SignInFromAsync(TestBrowser browser, string? ip, Account person)
    {
        if (ip is not null)
        {
            browser.Http.DefaultRequestHeaders.Remove(ClientAddressFilter.Header);
            browser.Http.DefaultRequestHeaders.Add(ClientAddressFilter.Header, ip);
        }

        var body = await TestBrowser.JsonAsync(await browser.ApiSignInAsync(person.Username, TestAccounts.Password));
        return body.GetProperty("code").GetString();
    }
}
