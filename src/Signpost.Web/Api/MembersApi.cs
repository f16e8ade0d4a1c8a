using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Organizations;
using Signpost.Web.Admin;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Api;

/// <summary>
/// <c>/api/v1/organizations/{slug}/members</c>: the practice admin console as JSON, for the payer's tools.
/// The same <see cref="PracticeAdministration"/> and scope checks as the pages: another practice's slug,
/// and an account ID of anyone outside the practice, in the URL or the body, is a 404 exactly like a
/// missing one, and the attempt is in the audit trail as <c>access.denied</c>. Each handler's return type lists
/// its answers (<see cref="Results{TResult1,TResult2}"/>), so the OpenAPI document's success bodies come from
/// the signatures; an <see cref="AdminResult"/> that is not done becomes an <see cref="ApiProblem"/>.
/// </summary>
public static class MembersApi
{
    /// <summary>A person as the API shows them; <c>version</c> goes back in every change (optimistic concurrency).</summary>
    public sealed record MemberView(
        Guid AccountId, string Username, string DisplayName, string Email, string? Npi, string Status, IReadOnlyList<string> Roles,
        bool MustChangePassword, DateTimeOffset? LockedUntil, int Version);

    /// <summary>What an act did, with the person's version after it.</summary>
    public sealed record ActView(Guid AccountId, string Message, int Version);

    /// <summary>The answer to every invitation: one sentence, the same whether or not the email has an account (docs/security.md).</summary>
    public sealed record InvitationView(string Message);

    public sealed record InviteBody(string Email, string Username, string DisplayName, string? Npi, IReadOnlyList<string> Roles);

    public sealed record ExistingBody(string? Email, Guid? AccountId, IReadOnlyList<string> Roles);

    public sealed record VersionBody(int Version);

    public sealed record RolesBody(int Version, IReadOnlyList<string> Roles);

    public sealed record ExtensionBody(int Version, int Days);

    public sealed record ReassignBody(int Version, string To);

    public static RouteGroupBuilder MapMembersApi(this RouteGroupBuilder api)
    {
        var members = api.MapGroup("/organizations/{slug}/members").RequireAuthorization();
        members.MapGet("", ListAsync)
            .WithName("ListMembers").WithSummary("List a practice's people")
            .WithDescription("Search by name, username, email or NPI (`q`), `status` (active, pendingactivation, disabled, locked) and `role`. For the practice's administrators and platform admins.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        members.MapGet("/{accountId}", GetAsync)
            .WithName("GetMember").WithSummary("One person of a practice")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        Act(members.MapPost("", InviteAsync), "InviteMember", "Invite a person",
            "A new email: creates a pending account with a membership and emails the activation link. An email that already has an account: emails the person an invitation to join, which they accept through a single-use link (payer staff are never invited). Both answer 202 with the same sentence, which never says whether the email has an account.",
            typeof(InviteBody));
        Act(members.MapPost("/existing", AddExistingAsync), "AddExistingMember", "Invite a person who already has an account",
            "By `email`, or by `accountId` of a person you already administer in another practice. Always an invitation the person accepts through an emailed single-use link; 202 with the same sentence whether or not the email has an account.",
            typeof(ExistingBody));
        Act(members.MapPut("/{accountId}/roles", (string slug, string accountId, HttpContext context, PracticeAdministration admin, CancellationToken ct) =>
            ActAsync(slug, accountId, context, "membership.roles", (o, id, body) =>
            {
                var (roles, problem) = RoleInput.Parse(Strings(body, "roles", out var rolesProblem));
                return rolesProblem is not null ? Task.FromResult(AdminResult.Invalid("roles", rolesProblem))
                    : problem is not null ? Task.FromResult(AdminResult.Invalid("roles", problem))
                    : admin.ChangeRolesAsync(o, id, Version(body), roles, ct);
            }, admin, ct)), "ChangeMemberRoles", "Change a person's roles in the practice", "At least one of PracticeAdmin, Staff, Provider. The practice's last active administrator keeps the role.", typeof(RolesBody));
        MapVersioned(members, "disable", "DisableMember", "Disable the account (ends its sessions)", "account.disable", (a, o, id, v, _, ct) => a.DisableAsync(o, id, v, ct));
        MapVersioned(members, "enable", "EnableMember", "Enable a disabled account", "account.enable", (a, o, id, v, _, ct) => a.EnableAsync(o, id, v, ct));
        MapVersioned(members, "unlock", "UnlockMember", "Clear every lock of the account", "account.unlock", (a, o, id, v, _, ct) => a.UnlockAsync(o, id, v, ct));
        MapVersioned(members, "force-reset", "ForceMemberPasswordReset", "Force a password reset (ends sessions, emails a link)", "account.force-reset", (a, o, id, v, _, ct) => a.ForceResetAsync(o, id, v, ct));
        MapVersioned(members, "remove", "RemoveMember", "Remove the person from the practice", "membership.remove", (a, o, id, v, _, ct) => a.RemoveAsync(o, id, v, ct));
        MapVersioned(members, "password-expiry-extension", "ExtendMemberPasswordExpiry", "Extend the password expiry (1–365 days)", "password.expiry-extension",
            (a, o, id, v, body, ct) => Int(body, "days") is { } days ? a.ExtendExpiryAsync(o, id, v, days, ct)
                : Task.FromResult(AdminResult.Invalid("days", "\"days\" must be a whole number from 1 to 365.")), typeof(ExtensionBody));
        MapVersioned(members, "reassign", "ReassignMember", "Move the person to another practice you administer", "membership.reassign",
            (a, o, id, v, body, ct) => a.ReassignAsync(o, id, v, Text(body, "to"), ct), typeof(ReassignBody));
        return api;
    }

    private static RouteHandlerBuilder Act(RouteHandlerBuilder builder, string name, string summary, string description, Type body) =>
        builder.WithName(name).WithSummary(summary)
            .WithDescription(description + " Errors are RFC 9457 problems with `code` and `traceId`; a stale `version` is 409 `stale_version`, a rule that forbids the act 409 `refused`, a bad field 400 `invalid_request` naming the field.")
            .AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
            {
                // Declared by hand: the handler reads the body itself so every malformed one gets a problem that names the field.
                var schema = await context.GetOrCreateSchemaAsync(body, null, cancellationToken);
                operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
                };
            })
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private delegate Task<AdminResult> VersionedAct(PracticeAdministration admin, Organization organization, Guid accountId, int version, JsonElement body, CancellationToken cancellationToken);

    private static void MapVersioned(RouteGroupBuilder members, string path, string name, string summary, string action, VersionedAct act, Type? body = null) =>
        Act(members.MapPost($"/{{accountId}}/{path}", (string slug, string accountId, HttpContext context, PracticeAdministration admin, CancellationToken ct) =>
            ActAsync(slug, accountId, context, action, (o, id, json) => act(admin, o, id, Version(json), json, ct), admin, ct)),
            name, summary, "Needs the person's current `version`.", body ?? typeof(VersionBody));

    private static async Task<Results<Ok<List<MemberView>>, ApiProblem>> ListAsync(
        string slug, string? q, string? status, string? role, PracticeAdministration admin, PracticeDirectory directory, CancellationToken cancellationToken)
    {
        if (await admin.OpenAsync(slug, "organization.read", cancellationToken) is not { } organization)
        {
            return NotFound();
        }

        var rows = await directory.ListAsync(organization, new MemberFilter(q, status, role), cancellationToken);
        return TypedResults.Ok(rows.Select(View).ToList());
    }

    private static async Task<Results<Ok<MemberView>, ApiProblem>> GetAsync(string slug, string accountId, PracticeAdministration admin, PracticeDirectory directory, CancellationToken cancellationToken)
    {
        if (await admin.OpenAsync(slug, "account.read", cancellationToken) is not { } organization)
        {
            return NotFound();
        }

        if (!Guid.TryParse(accountId, out _))
        {
            return InvalidId();
        }

        if (await admin.FindMemberAsync(organization, accountId, "account.read", cancellationToken) is not { } person)
        {
            return NotFound();
        }

        return TypedResults.Ok((await ViewAsync(directory, organization, person.Id, cancellationToken))!);
    }

    private static async Task<Results<Ok<ActView>, Accepted<InvitationView>, ApiProblem>> InviteAsync(string slug, HttpContext context, PracticeAdministration admin, CancellationToken cancellationToken)
    {
        if (await admin.OpenAsync(slug, "account.invite", cancellationToken) is not { } organization)
        {
            return NotFound();
        }

        var (body, rejection) = await ReadAsync(context);
        if (rejection is not null)
        {
            return rejection;
        }

        var roles = RoleInput.Parse(Strings(body, "roles", out var rolesProblem));
        var result = (rolesProblem ?? roles.Problem) is { } problem
            ? AdminResult.Invalid("roles", problem)
            : await admin.InviteAsync(organization, new InviteRequest(Text(body, "email"), Text(body, "username"), Text(body, "displayName"), Text(body, "npi"), roles.Roles), cancellationToken);
        return Answer(result);
    }

    private static async Task<Results<Ok<ActView>, Accepted<InvitationView>, ApiProblem>> AddExistingAsync(string slug, HttpContext context, PracticeAdministration admin, CancellationToken cancellationToken)
    {
        if (await admin.OpenAsync(slug, "membership.add", cancellationToken) is not { } organization)
        {
            return NotFound();
        }

        var (body, rejection) = await ReadAsync(context);
        if (rejection is not null)
        {
            return rejection;
        }

        var roles = RoleInput.Parse(Strings(body, "roles", out var rolesProblem));
        if ((rolesProblem ?? roles.Problem) is { } problem)
        {
            return Answer(AdminResult.Invalid("roles", problem));
        }

        var id = Text(body, "accountId");
        AdminResult result;
        if (id is not null)
        {
            result = Guid.TryParse(id, out var accountId)
                ? await admin.AddExistingAsync(organization, accountId, roles.Roles, cancellationToken)
                : AdminResult.Invalid("accountId", "\"accountId\" must be a GUID, for example 3f2504e0-4f89-11d3-9a0c-0305e82c3301.");
        }
        else
        {
            result = await admin.AddExistingAsync(organization, Text(body, "email"), roles.Roles, cancellationToken);
        }

        return Answer(result);
    }

    /// <summary>Open the practice, check the ID, read the body, act, answer: the same steps for every change.</summary>
    private static async Task<Results<Ok<ActView>, ApiProblem>> ActAsync(
        string slug, string accountId, HttpContext context, string action, Func<Organization, Guid, JsonElement, Task<AdminResult>> act,
        PracticeAdministration admin, CancellationToken cancellationToken)
    {
        if (await admin.OpenAsync(slug, action, cancellationToken) is not { } organization)
        {
            return NotFound();
        }

        if (!Guid.TryParse(accountId, out var id))
        {
            return InvalidId();
        }

        var (body, rejection) = await ReadAsync(context);
        if (rejection is not null)
        {
            return rejection;
        }

        if (Int(body, "version") is null)
        {
            return Problem(AdminResult.Invalid("version", "\"version\" must be the whole number the person's record carries (read it from GET …/members/{accountId})."));
        }

        var result = await act(organization, id, body);
        return result.Outcome == AdminOutcome.Done ? Done(result) : Problem(result);
    }

    /// <summary>An invitation's answer: 202 with the one sentence (<see cref="AdminOutcome.Invited"/>), 200 for a done act, otherwise its problem.</summary>
    private static Results<Ok<ActView>, Accepted<InvitationView>, ApiProblem> Answer(AdminResult result) => result.Outcome switch
    {
        AdminOutcome.Invited => TypedResults.Accepted((string?)null, new InvitationView(result.Message)),
        AdminOutcome.Done => Done(result),
        _ => Problem(result),
    };

    private static Ok<ActView> Done(AdminResult result) =>
        TypedResults.Ok(new ActView(result.AccountId ?? Guid.Empty, result.Message, result.Version ?? 0));

    /// <summary>
    /// A failed act as a problem: not found is the one 404 (another practice's person answers the same), a stale
    /// version 409 <c>stale_version</c> with the current one, a rule 409 <c>refused</c>, a bad field 400 naming it.
    /// </summary>
    private static ApiProblem Problem(AdminResult result)
    {
        var (status, code, title) = result.Outcome switch
        {
            AdminOutcome.Stale => (StatusCodes.Status409Conflict, "stale_version", "Changed by someone else"),
            AdminOutcome.Refused => (StatusCodes.Status409Conflict, "refused", "Not allowed"),
            _ => (StatusCodes.Status400BadRequest, "invalid_request", "Invalid request"),
        };
        if (result.Outcome == AdminOutcome.NotFound)
        {
            return NotFound();
        }

        return new ApiProblem(status, code, title, result.Message, problem =>
        {
            if (result.Field is { } field)
            {
                problem.Extensions["field"] = field;
                problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [result.Message] };
            }

            if (result.Outcome == AdminOutcome.Stale && result.Version is { } current)
            {
                problem.Extensions["currentVersion"] = current;
            }
        });
    }

    /// <summary>Another practice's person and a missing one answer alike: a guessed ID confirms nothing.</summary>
    private static ApiProblem NotFound() =>
        new ApiProblem(StatusCodes.Status404NotFound, "not_found", "Not found", "No practice you administer has this slug, or no person of it has this ID.", null);

    private static ApiProblem InvalidId() =>
        new ApiProblem(StatusCodes.Status400BadRequest, "invalid_account_id", "Not an account ID", "An account ID is a GUID, for example 3f2504e0-4f89-11d3-9a0c-0305e82c3301.",
            p => p.Extensions["field"] = "accountId");

    private static MemberView View(MemberRow row) => new(
        row.AccountId, row.Username, row.DisplayName, row.Email, row.Npi, row.Status.ToString(), RoleInput.Names(row.Roles), row.MustChangePassword, row.LockedUntil, row.Version);

    private static async Task<MemberView?> ViewAsync(PracticeDirectory directory, Organization organization, Guid accountId, CancellationToken cancellationToken) =>
        (await directory.ListAsync(organization, new MemberFilter(null, null, null), cancellationToken)).Where(r => r.AccountId == accountId).Select(View).FirstOrDefault();

    private static int Version(JsonElement body) => Int(body, "version") ?? -1;

    private static int? Int(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string?>? Strings(JsonElement body, string name, out string? problem)
    {
        problem = null;
        if (!body.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            problem = $"\"{name}\" must be an array of role names, for example [\"Staff\"].";
            return null;
        }

        if (value.GetArrayLength() > RoleInput.MaxValues || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            problem = $"\"{name}\" must hold at most {RoleInput.MaxValues.ToString(CultureInfo.InvariantCulture)} role names as strings.";
            return null;
        }

        return value.EnumerateArray().Select(v => v.GetString()).ToList();
    }

    /// <summary>The body as one JSON object of at most <see cref="JsonBody.MaxBytes"/>, or the problem that refuses it (415, 413 or 400 naming the field).</summary>
    private static async Task<(JsonElement Body, ApiProblem? Rejection)> ReadAsync(HttpContext context)
    {
        var (body, problem) = await JsonBody.ParseObjectAsync(context, JsonBody.MaxBytes, "The body must be one JSON object in UTF-8, without repeated keys.");
        return problem is null ? (body, null) : (default, ApiProblem.From(problem));
    }
}
