using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Signpost.Core.Audit;
using Signpost.Core.Passwords;
using Signpost.Web.Infrastructure;
using Signpost.Web.Passwords;

namespace Signpost.Web.Api;

/// <summary>
/// <c>POST /api/v1/accounts/{id}/password-expiry-extension</c>: payer support or a platform operator gives
/// one person more days before their password expires (docs/design.md §7). Only where a practice turned expiry on
/// does it change anything; expiry stays off by default (NIST SP 800-63B, ASVS 6.2.10).
/// </summary>
public static class PasswordExpiryApi
{
    /// <summary>The body is one small number; anything larger is refused before it is read.</summary>
    public const int MaxBodyBytes = 1024;

    /// <summary>The request: how many days later than the policy says the password should expire (1–365).</summary>
    public sealed record ExtensionBody(int Days);

    /// <summary>What the account's expiry is after the grant. Null dates: no practice of the account turns expiry on.</summary>
    public sealed record ExtensionView(
        Guid AccountId,
        string Username,
        int ExtensionDays,
        DateTimeOffset? PasswordChangedAt,
        DateTimeOffset? PreviousExpiresAt,
        DateTimeOffset? ExpiresAt,
        bool Expired);

    public static RouteGroupBuilder MapPasswordExpiryApi(this RouteGroupBuilder api)
    {
        api.MapPost("/accounts/{id}/password-expiry-extension", GrantAsync)
            .WithName("GrantPasswordExpiryExtension")
            .WithSummary("Extend one account's password expiry")
            .WithDescription("Sets how many days (1–365) later than its practice's policy the account's password expires; replaces any earlier extension, and a new password drops it. For support agents and platform admins. Problems are RFC 9457 with `code` and `traceId`.")
            .AddOpenApiOperationTransformer(JsonBody.Describes<ExtensionBody>())
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RequireAuthorization(Authorization.SupportPolicy);
        return api;
    }

    private static async Task<Results<Ok<ExtensionView>, ApiProblem>> GrantAsync(
        string id, HttpContext context, PasswordExpiryExtensions extensions, AuditTrail audit, AuditActors actors, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var accountId))
        {
            return new ApiProblem(StatusCodes.Status400BadRequest, "invalid_account_id", "Not an account ID",
                "An account ID is a GUID, for example 3f2504e0-4f89-11d3-9a0c-0305e82c3301.");
        }

        var (days, rejection) = await ReadDaysAsync(context);
        if (rejection is not null)
        {
            return rejection;
        }

        var result = await extensions.GrantAsync(accountId, days, cancellationToken);
        switch (result.Status)
        {
            case ExpiryExtensionStatus.UnknownAccount:
                return new ApiProblem(StatusCodes.Status404NotFound, "not_found", "No such account", "No account has this ID.");
            case ExpiryExtensionStatus.InvalidDays:
                return new ApiProblem(StatusCodes.Status400BadRequest, "invalid_request", "Invalid extension", DaysRule);
        }

        var account = result.Account!;
        await audit.RecordAsync(actors.Current, new AuditRecord("account.expiry_extension", "account", account.Id.ToString(), null,
            new { ExpiresAt = result.PreviousExpiresAt }, new { ExtensionDays = days, result.ExpiresAt }), cancellationToken);
        var actor = $"{context.User.FindFirstValue(ClaimTypes.Name)} ({context.User.FindFirstValue(ClaimTypes.NameIdentifier)})";
        PasswordExpiryLog.ExtensionGranted(loggers.CreateLogger(typeof(PasswordExpiryApi).FullName!), actor, "api", days, account.Id, account.Username, Describe(result.ExpiresAt));
        return TypedResults.Ok(new ExtensionView(
            account.Id, account.Username, account.PasswordExpiryExtensionDays, account.PasswordChangedAt, result.PreviousExpiresAt, result.ExpiresAt, result.StillExpired));
    }

    private const string DaysRule = "The body must be a JSON object with \"days\": a whole number from 1 to 365.";

    /// <summary>
    /// Reads <c>{"days": N}</c> through <see cref="JsonBody"/> so that every malformed body is a 4xx problem, never a 500: wrong
    /// content type (which also keeps cross-site form posts out), oversized, invalid JSON or UTF-8, nesting
    /// bombs, repeated keys, and numbers that are not a whole 1–365.
    /// </summary>
    private static async Task<(int Days, ApiProblem? Rejection)> ReadDaysAsync(HttpContext context)
    {
        var (body, problem) = await JsonBody.ParseObjectAsync(context, MaxBodyBytes, DaysRule);
        if (problem is not null)
        {
            return (0, ApiProblem.From(problem));
        }

        if (body.TryGetProperty("days", out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var days) && PasswordExpiryExtensions.IsValidDays(days))
        {
            return (days, null);
        }

        return (0, new ApiProblem(StatusCodes.Status400BadRequest, "invalid_request", "Invalid extension", DaysRule));
    }

    internal static string Describe(DateTimeOffset? expiresAt) =>
        expiresAt is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "never (expiry is off)";
}
