using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.Sessions;
using Signpost.Core.SignIn;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Api;

/// <summary>The JSON API for portal and mobile apps (docs/design.md §8), under <c>/api/v1</c>.</summary>
public static class SignInApi
{
    /// <summary>No sign-in body needs more; larger ones are refused before they are read.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    public sealed record SignInBody(string Identifier, string Password, string? Organization);

    /// <summary>The second call of a sign-in with a second factor: the token of the <c>mfa_required</c> answer and a code.</summary>
    public sealed record SecondFactorBody(string ChallengeToken, string Code, bool? RememberBrowser);

    public sealed record SignedInOrganization(string Slug, string Name, IReadOnlyList<string> Roles);

    public sealed record SignedInAccount(Guid Id, string Username, string DisplayName, string Email, string? Npi, IReadOnlyList<SignedInOrganization> Organizations);

    public sealed record SignInResponse(string Code, string TraceId, SignedInAccount Account, DateTimeOffset SessionExpiresAt, int IdleTimeoutMinutes, string? Warning,
        DateTimeOffset? SecondFactorEnrolmentDueBy);

    public static RouteGroupBuilder MapSignInApi(this RouteGroupBuilder api)
    {
        api.MapPost("/sign-in", SignInAsync)
            .WithName("SignIn")
            .WithSummary("Password sign-in for apps")
            .WithDescription("Signs in with a provider ID (username), email or NPI and a password. On success sets the session cookie. Failures are RFC 9457 problems carrying `code` and `traceId`; statuses never reveal whether an account exists.")
            .AddOpenApiOperationTransformer(JsonBody.Describes<SignInBody>())
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(RateLimiting.SignInPolicy)
            .DisableAntiforgery();

        api.MapPost("/sign-in/second-factor", SecondFactorAsync)
            .WithName("SignInSecondFactor")
            .WithSummary("Completes a sign-in that answered mfa_required")
            .WithDescription("Sends the challengeToken of an `mfa_required` answer with the current code from the person's authenticator app, or one of their recovery codes. On success sets the session cookie and answers like `POST /api/v1/sign-in`. The token lasts five minutes; wrong codes count toward the second factor's own lock (`mfa_locked`).")
            .AddOpenApiOperationTransformer(JsonBody.Describes<SecondFactorBody>())
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(RateLimiting.SignInPolicy)
            .DisableAntiforgery();

        api.MapPost("/sign-out", SignOutAsync)
            .WithName("SignOut")
            .WithSummary("Ends the current session on the server")
            .RequireAuthorization();

        return api;
    }

    private static async Task<Results<Ok<SignInResponse>, ApiProblem>> SignInAsync(
        HttpContext context, PasswordSignIn pipeline, Mfa.SecondFactorChallengeTokens challenges, CancellationToken cancellationToken)
    {
        var (body, rejection) = await ReadBodyAsync(context);
        if (rejection is not null)
        {
            return rejection;
        }

        var request = new PasswordSignInRequest(body!.Identifier, body.Password, body.Organization, SignInMethod.Api,
            context.GetTraceId(), ClientFactsReader.Read(context));
        var result = await pipeline.SignInAsync(request, cancellationToken);
        if (result.Challenge is { } challenge)
        {
            // mfa_required: the second call carries this token (docs/mfa.md, "The API").
            var problem = Problems.ForResult(context, result);
            problem.Extensions["challengeToken"] = challenges.Issue(challenge);
            problem.Extensions["challengeExpiresAt"] = Mfa.SecondFactorChallengeTokens.ExpiresAt(challenge).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            problem.Extensions["methods"] = new[] { "totp", "recovery_code" };
            return ApiProblem.Of(problem);
        }

        return Answer(context, result);
    }

    private static async Task<Results<Ok<SignInResponse>, ApiProblem>> SecondFactorAsync(
        HttpContext context, PasswordSignIn pipeline, Mfa.SecondFactorChallengeTokens challenges, CancellationToken cancellationToken)
    {
        var (root, problem) = await JsonBody.ParseObjectAsync(context, MaxBodyBytes, "The body must be a JSON object with challengeToken and code.");
        if (problem is not null)
        {
            return await RejectAsync(context, problem.Status, null, problem.Detail);
        }

        var problems = new List<string>();
        var token = ReadString(root, "challengeToken", problems, required: true);
        var code = ReadString(root, "code", problems, required: true);
        var remember = false;
        if (root.TryGetProperty("rememberBrowser", out var rememberValue) && rememberValue.ValueKind != JsonValueKind.Null)
        {
            if (rememberValue.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                remember = rememberValue.GetBoolean();
            }
            else
            {
                problems.Add("The field 'rememberBrowser' must be true or false.");
            }
        }

        if (problems.Count > 0)
        {
            return await RejectAsync(context, StatusCodes.Status400BadRequest, null, string.Join(" ", problems), problems);
        }

        var challenge = challenges.Read(token);
        var request = new PasswordSignInRequest(null, code, challenge?.OrganizationSlug, SignInMethod.Api, context.GetTraceId(), ClientFactsReader.Read(context));
        var result = await pipeline.CompleteSecondFactorAsync(challenge, request, remember, cancellationToken);
        if (result.ClockSkewSeconds is { } skew)
        {
            // How far and which way the clock is off: shown only where mfa_clock_skew itself may be.
            var skewed = Problems.ForResult(context, result);
            skewed.Detail = $"{result.Shown.UserMessage} {Pages.SignInVerifyModel.SkewSentence(skew)}";
            skewed.Extensions["clockSkewSeconds"] = skew;
            return ApiProblem.Of(skewed);
        }

        return Answer(context, result);
    }

    /// <summary>A finished attempt as the API answers it: the session and who signed in, or the problem this client may see.</summary>
    private static Results<Ok<SignInResponse>, ApiProblem> Answer(HttpContext context, SignInResult result)
    {
        if (!result.Succeeded)
        {
            return ApiProblem.Of(Problems.ForResult(context, result));
        }

        ClientFactsReader.WriteSignInCookies(context, result);
        var account = result.Account!;
        var organizations = result.Organizations.Select(o => new SignedInOrganization(o.Slug, o.Name,
            account.Memberships.Where(m => m.OrganizationId == o.Id).Select(m => m.Roles.ToString()).ToList())).ToList();
        return TypedResults.Ok(new SignInResponse(
            result.Reason.Code,
            result.TraceId,
            new SignedInAccount(account.Id, account.Username, account.DisplayName, account.Email, account.Npi, organizations),
            result.Session!.Session.AbsoluteExpiresAt,
            (int)result.Session.Session.IdleTimeout.TotalMinutes,
            result.Reason.Code == ReasonCodes.SignedInBrowserWarning ? result.Reason.UserMessage : null,
            result.EnrolSecondFactorBy is { } due && due != DateTimeOffset.MaxValue ? due : null));
    }

    private static async Task<NoContent> SignOutAsync(HttpContext context, SessionManager sessions, CancellationToken cancellationToken)
    {
        var sessionId = context.User.FindFirst(SessionAuthentication.SessionIdClaim)?.Value;
        if (sessionId is not null)
        {
            await sessions.EndAsync(sessionId, "signed out", cancellationToken);
        }

        context.Response.Cookies.Delete(SessionAuthentication.CookieName);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Reads the body through <see cref="JsonBody"/> so every malformed request gets a reason, an event and a
    /// 400-class problem: wrong content type, oversized, invalid UTF-8 or JSON, missing fields, fields that are not strings.
    /// </summary>
    private static async Task<(SignInBody? Body, ApiProblem? Rejection)> ReadBodyAsync(HttpContext context)
    {
        var (root, problem) = await JsonBody.ParseObjectAsync(context, MaxBodyBytes, "The body must be a JSON object with identifier and password.");
        if (problem is not null)
        {
            return (null, await RejectAsync(context, problem.Status, null, problem.Detail));
        }

        var problems = new List<string>();
        var identifier = ReadString(root, "identifier", problems, required: true);
        var password = ReadString(root, "password", problems, required: true);
        var organization = ReadString(root, "organization", problems, required: false);
        if (problems.Count > 0)
        {
            return (null, await RejectAsync(context, StatusCodes.Status400BadRequest, identifier, string.Join(" ", problems), problems));
        }

        return (new SignInBody(identifier!, password!, organization), null);
    }

    private static string? ReadString(JsonElement root, string name, List<string> problems, bool required)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                problems.Add($"The field '{name}' is required.");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"The field '{name}' must be a string.");
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            // The parser checks structure, not the text inside strings: invalid UTF-8 bytes or a lone
            // surrogate escape (\ud800) only fail here, and must be a 400 rather than a 500.
            problems.Add($"The field '{name}' is not valid UTF-8 text.");
            return null;
        }
    }

    private static async Task<ApiProblem> RejectAsync(HttpContext context, int status, string? identifier, string detail, IReadOnlyList<string>? problems = null)
    {
        var result = await EdgeRejections.RecordAsync(context, ReasonCodes.InvalidRequest, identifier, SignInMethod.Api, detail, problems: problems ?? [detail]);
        var problem = Problems.ForResult(context, result);
        problem.Status = status;
        problem.Detail = detail;
        return ApiProblem.Of(problem);
    }
}
