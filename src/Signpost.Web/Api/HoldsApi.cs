using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Signpost.Core.Accounts;
using Signpost.Web.Infrastructure;
using Signpost.Web.Support;

namespace Signpost.Web.Api;

/// <summary>
/// <c>POST /api/v1/accounts/{id}/hold</c> and <c>/release</c>: payer support or a platform admin holds an
/// account for review, or lifts the hold, with a reason (docs/support-console.md, "Holds for review").
/// </summary>
public static class HoldsApi
{
    /// <summary>A reason of 500 characters, escaped, fits with room to spare; anything larger is refused unread.</summary>
    public const int MaxBodyBytes = 8 * 1024;

    /// <summary>The request: why the account is held or released, for the next agent (1–500 characters).</summary>
    public sealed record HoldBody(string Reason);

    /// <summary>The account's hold state after the act, and how many sessions it ended.</summary>
    public sealed record HoldView(Guid AccountId, string Username, bool Held, int SessionsEnded);

    public static RouteGroupBuilder MapHoldsApi(this RouteGroupBuilder api)
    {
        Map(api, "/accounts/{id}/hold", held: true, "HoldAccount", "Hold an account for review",
            "Stops the account from signing in (after its password is proven it is told account_flagged) and ends its sessions; it may still reset its password. The reason is audited and shown in diagnoses. For support agents and platform admins.");
        Map(api, "/accounts/{id}/release", held: false, "ReleaseAccount", "Release an account's hold",
            "Lets a held account sign in again; the reason is audited. For support agents and platform admins.");
        return api;
    }

    private static void Map(RouteGroupBuilder api, string pattern, bool held, string name, string summary, string description) =>
        api.MapPost(pattern, (string id, HttpContext context, AccountHolds holds, CancellationToken cancellationToken) => ActAsync(id, held, context, holds, cancellationToken))
            .WithName(name)
            .WithSummary(summary)
            .WithDescription(description + " Problems are RFC 9457 with `code` and `traceId`.")
            .AddOpenApiOperationTransformer(JsonBody.Describes<HoldBody>())
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RequireAuthorization(Authorization.SupportPolicy);

    private static async Task<Results<Ok<HoldView>, ApiProblem>> ActAsync(string id, bool held, HttpContext context, AccountHolds holds, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var accountId))
        {
            return new ApiProblem(StatusCodes.Status400BadRequest, "invalid_account_id", "Not an account ID",
                "An account ID is a GUID, for example 3f2504e0-4f89-11d3-9a0c-0305e82c3301.");
        }

        var (reason, rejection) = await ReadReasonAsync(context);
        if (rejection is not null)
        {
            return rejection;
        }

        var result = held ? await holds.HoldAsync(accountId, reason, cancellationToken) : await holds.ReleaseAsync(accountId, reason, cancellationToken);
        return result.Outcome switch
        {
            HoldOutcome.Done => TypedResults.Ok(new HoldView(result.Account!.Id, result.Account.Username, held, result.SessionsEnded)),
            HoldOutcome.UnknownAccount => new ApiProblem(StatusCodes.Status404NotFound, "not_found", "No such account", result.Problem!),
            HoldOutcome.AlreadyInThatState => new ApiProblem(StatusCodes.Status409Conflict, "conflict", held ? "Already held" : "Not held", result.Problem!),
            _ => new ApiProblem(StatusCodes.Status400BadRequest, "invalid_request", "Invalid reason", result.Problem!),
        };
    }

    private const string ReasonRule = "The body must be a JSON object with \"reason\": 1–500 characters saying why.";

    /// <summary>Reads <c>{"reason": "..."}</c> through <see cref="JsonBody"/>, so that every malformed body is a 4xx problem, never a 500.</summary>
    private static async Task<(string? Reason, ApiProblem? Rejection)> ReadReasonAsync(HttpContext context)
    {
        var (body, problem) = await JsonBody.ParseObjectAsync(context, MaxBodyBytes, ReasonRule);
        if (problem is not null)
        {
            return (null, ApiProblem.From(problem));
        }

        if (body.TryGetProperty("reason", out var value) && value.ValueKind == JsonValueKind.String && AccountHold.Problem(value.GetString()) is null)
        {
            return (value.GetString(), null);
        }

        return (null, new ApiProblem(StatusCodes.Status400BadRequest, "invalid_request", "Invalid reason", ReasonRule));
    }

}
