using System.Net;
using Signpost.Core.Mfa;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Mfa;

/// <summary>The JSON API's two calls: <c>mfa_required</c> with a challenge token, then the code (docs/mfa.md, "The API").</summary>
public sealed class MfaApiTests(MfaApp app) : IClassFixture<MfaApp>
{
    [Fact]
    public async Task SignIn_Enrolled_AnswersMfaRequiredWithATokenThatTheSecondCallCompletes()
    {
        // Arrange
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        var enrolled = await app.EnrolAsync(person);
        using var client = app.CreateBrowser();

        // Act
        var first = await client.ApiSignInAsync(person.Username, TestAccounts.Password);
        var challenge = await TestBrowser.JsonAsync(first);
        var (second, body) = await MfaApp.ApiAsync(client, "/api/v1/sign-in/second-factor",
            new { challengeToken = challenge.GetProperty("challengeToken").GetString(), code = app.CodeOf(enrolled) });

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(ReasonCodes.MfaRequired, challenge.GetProperty("code").GetString());
        Assert.Equal(["totp", "recovery_code"], challenge.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.False(first.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("sp_session=", StringComparison.Ordinal)));
        var firstEvent = await app.EventAsync(challenge.GetProperty("traceId").GetString()!);
        Assert.Equal((ReasonCodes.MfaRequired, person.Id), (firstEvent.ReasonCode, firstEvent.AccountId!.Value));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(ReasonCodes.SignedIn, body.GetProperty("code").GetString());
        Assert.Equal(person.Id, body.GetProperty("account").GetProperty("id").GetGuid());
        var secondEvent = await app.EventAsync(body.GetProperty("traceId").GetString()!);
        Assert.Equal((ReasonCodes.SignedIn, Core.Events.SignInMethod.Api), (secondEvent.ReasonCode, secondEvent.Method));
    }

    [Fact]
    public async Task SecondFactor_ExpiredOrForgedToken_IsInvalidRequestWithAnEvent()
    {
        // Arrange
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        var enrolled = await app.EnrolAsync(person);
        using var client = app.CreateBrowser();
        var token = (await TestBrowser.JsonAsync(await client.ApiSignInAsync(person.Username, TestAccounts.Password))).GetProperty("challengeToken").GetString()!;

        // Act
        var (forged, forgedBody) = await MfaApp.ApiAsync(client, "/api/v1/sign-in/second-factor", new { challengeToken = token[..^4] + "AAAA", code = app.CodeOf(enrolled) });
        app.Clock.Advance(SecondFactorChallenge.Lifetime + TimeSpan.FromSeconds(1));
        var (expired, expiredBody) = await MfaApp.ApiAsync(client, "/api/v1/sign-in/second-factor", new { challengeToken = token, code = app.CodeOf(enrolled) });

        // Assert
        foreach (var (response, body) in new[] { (forged, forgedBody), (expired, expiredBody) })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(ReasonCodes.InvalidRequest, body.GetProperty("code").GetString());
            var recorded = await app.EventAsync(body.GetProperty("traceId").GetString()!);
            Assert.Contains("missing, forged or expired", recorded.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"challengeToken":"x"}""", "The field 'code' is required.")]
    [InlineData("""{"challengeToken":"x","code":123456}""", "The field 'code' must be a string.")]
    [InlineData("""{"challengeToken":"x","code":"1","rememberBrowser":"yes"}""", "The field 'rememberBrowser' must be true or false.")]
    [InlineData("""[1,2]""", "JSON object")]
    public async Task SecondFactor_MalformedBody_IsA400WithReasonAndEvent(string json, string expected)
    {
        using var client = app.CreateBrowser();

        var response = await client.Http.PostAsync(new Uri("/api/v1/sign-in/second-factor", UriKind.Relative),
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await TestBrowser.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ReasonCodes.InvalidRequest, body.GetProperty("code").GetString());
        Assert.Contains(expected, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(ReasonCodes.InvalidRequest, (await app.EventAsync(body.GetProperty("traceId").GetString()!)).ReasonCode);
    }

    [Fact]
    public async Task SecondFactor_SkewedClock_ProblemSaysHowFarAndWhichWay()
    {
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        var enrolled = await app.EnrolAsync(person);
        using var client = app.CreateBrowser();
        var token = (await TestBrowser.JsonAsync(await client.ApiSignInAsync(person.Username, TestAccounts.Password))).GetProperty("challengeToken").GetString()!;

        var (response, body) = await MfaApp.ApiAsync(client, "/api/v1/sign-in/second-factor", new { challengeToken = token, code = app.CodeOf(enrolled, -6) });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ReasonCodes.MfaClockSkew, body.GetProperty("code").GetString());
        Assert.Equal(-180, body.GetProperty("clockSkewSeconds").GetInt32());
        Assert.Contains("about 3 minutes behind", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondFactor_TwentyConcurrentWrongCodes_CountExactlyTheThreshold()
    {
        // Arrange: twenty challenges of the same person, each in its own client.
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        var enrolled = await app.EnrolAsync(person);
        var near = Enumerable.Range(-25, 51).Select(o => app.CodeOf(enrolled, o)).ToHashSet();
        var wrong = Enumerable.Range(0, 1000).Select(i => i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).First(c => !near.Contains(c));
        var clients = Enumerable.Range(0, 20).Select(_ => app.CreateBrowser()).ToList();
        var tokens = new List<string>();
        foreach (var client in clients)
        {
            tokens.Add((await TestBrowser.JsonAsync(await client.ApiSignInAsync(person.Username, TestAccounts.Password))).GetProperty("challengeToken").GetString()!);
        }

        // Act
        var answers = await Task.WhenAll(clients.Select((client, i) => MfaApp.ApiAsync(client, "/api/v1/sign-in/second-factor", new { challengeToken = tokens[i], code = wrong })));

        // Assert: exactly five counted (the fifth locked), every other one refused by the lock, uncounted.
        var codes = answers.Select(a => a.Body.GetProperty("code").GetString()).ToList();
        var events = (await app.EventsForAccountAsync(person.Id)).Where(e => e.IdentifierKind == "challenge").ToList();
        Assert.Equal(20, events.Count);
        Assert.Equal(SecondFactorCheck.FailureThreshold, events.Count(e => e.ReasonCode == ReasonCodes.MfaCodeInvalid));
        Assert.Equal(20 - SecondFactorCheck.FailureThreshold, events.Count(e => e.ReasonCode == ReasonCodes.MfaLocked));
        Assert.Equal(SecondFactorCheck.FailureThreshold - 1, codes.Count(c => c == ReasonCodes.MfaCodeInvalid));
        Assert.Equal(SecondFactorCheck.FailureThreshold, (await app.StateAsync(person.Id))!.FailureCount);
        clients.ForEach(c => c.Dispose());
    }
}
