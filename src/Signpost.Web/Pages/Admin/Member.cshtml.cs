using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Events;
using Signpost.Core.Organizations;
using Signpost.Web.Admin;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Admin;

/// <summary>
/// One person of a practice: details, every action a practice admin has, recent sign-in outcomes with
/// reason codes, and recent changes. Each action form carries the person's version; a stale one changes
/// nothing and says what changed meanwhile.
/// </summary>
[Authorize]
public sealed class MemberModel(PracticeAdministration administration, PracticeDirectory directory, AdminScope scope, AudienceProjection projection) : PageModel
{
    public Organization Organization { get; private set; } = null!;
    public Core.Accounts.Account Person { get; private set; } = null!;
    public Membership Membership { get; private set; } = null!;
    public DateTimeOffset? LockedUntil { get; private set; }
    public IReadOnlyList<SignInEvent> Outcomes { get; private set; } = [];
    public IReadOnlyList<ChangeView> Changes { get; private set; } = [];
    public IReadOnlyList<Organization> OtherPractices { get; private set; } = [];
    public bool IsSelf { get; private set; }

    [TempData]
    public string? Done { get; set; }

    public AdminResult? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, string accountId, CancellationToken cancellationToken) =>
        await LoadAsync(slug, accountId, "account.read", cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostRolesAsync(string slug, string accountId, string? version, List<string>? roles, CancellationToken cancellationToken) =>
        ActAsync(slug, accountId, version, "membership.roles", (organization, id, v) =>
        {
            var (parsed, problem) = RoleInput.Parse(roles);
            return problem is null ? administration.ChangeRolesAsync(organization, id, v, parsed, cancellationToken) : Task.FromResult(AdminResult.Invalid("roles", problem));
        }, cancellationToken);

    public Task<IActionResult> OnPostDisableAsync(string slug, string accountId, string? version, CancellationToken cancellationToken) =>
        ActAsync(slug, accountId, version, "account.disable", (o, id, v) => administration.DisableAsync(o, id, v, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(string slug, string accountId, string? version, CancellationToken cancellationToken) =>
        ActAsync(slug, accountId, version, "account.enable", (o, id, v) => administration.EnableAsync(o, id, v, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostUnlockAsync(string slug, string accountId, string? version, CancellationToken cancellationToken) =>
        ActAsync(slug, accountId, version, "account.unlock", (o, id, v) => administration.UnlockAsync(o, id, v, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostForceResetAsync(string slug, string accountId, string? version, CancellationToken cancellationToken) =>
        ActAsync(slug, accountId, version, "account.force-reset", (o, id, v) => administration.ForceResetAsync(o, id, v, cancellationToken), cancellationToken);

    /// <summary>The assisted reset of a lost authenticator, after the identity checks (docs/mfa.md, "Lost authenticator").</summary>
    public Task<IActionResult> OnPostResetSecondFactorAsync(string slug, string accountId, string? version, List<string>? checks, CancellationToken cancellationToken) =>
        ActAsync(slug, accountId, version, "account.mfa-reset", (o, id, v) => administration.ResetSecondFactorAsync(o, id, v, checks ?? [], cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostExtendAsync(string slug, string accountId, string? version, string? days, CancellationToken cancellationToken) =>
        ActAsync(slug, accountId, version, "password.expiry-extension", (o, id, v) =>
            int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var d)
                ? administration.ExtendExpiryAsync(o, id, v, d, cancellationToken)
                : Task.FromResult(AdminResult.Invalid("days", "The extension must be a whole number of days from 1 to 365.")), cancellationToken);

    public Task<IActionResult> OnPostRemoveAsync(string slug, string accountId, string? version, CancellationToken cancellationToken) =>
        ActAsync(slug, accountId, version, "membership.remove", (o, id, v) => administration.RemoveAsync(o, id, v, cancellationToken), cancellationToken, leavesPractice: true);

    public Task<IActionResult> OnPostReassignAsync(string slug, string accountId, string? version, string? to, CancellationToken cancellationToken) =>
        ActAsync(slug, accountId, version, "membership.reassign", (o, id, v) => administration.ReassignAsync(o, id, v, to, cancellationToken), cancellationToken, leavesPractice: true);

    /// <summary>Roles the role form shows ticked.</summary>
    public bool HasRole(string role) => RoleInput.Names(Membership.Roles).Contains(role);

    /// <summary>
    /// One shape for every action: open the practice (404 when not the caller's), read the posted version
    /// (a malformed one is named), act, and then either go back to the page with what was done or show the
    /// page again with why not.
    /// </summary>
    private async Task<IActionResult> ActAsync(
        string slug, string accountId, string? version, string attempted, Func<Organization, Guid, int, Task<AdminResult>> act, CancellationToken cancellationToken,
        bool leavesPractice = false)
    {
        if (await administration.OpenAsync(slug, attempted, cancellationToken) is not { } organization)
        {
            return NotFound();
        }

        if (!Guid.TryParse(accountId, out var id))
        {
            await scope.RefuseAsync(attempted, "account", accountId, organization.Id, "The account ID is not a GUID.", cancellationToken);
            return NotFound();
        }

        var result = int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? await act(organization, id, v)
            : AdminResult.Invalid("version", "The form lost its version field; reload the page and try again.");
        if (result.Outcome == AdminOutcome.NotFound)
        {
            return NotFound();
        }

        if (result.Succeeded)
        {
            Done = result.Message;
            return leavesPractice ? RedirectToPage("/Admin/Practice", new { slug = organization.Slug }) : RedirectToPage(new { slug = organization.Slug, accountId = id });
        }

        if (!await LoadAsync(organization.Slug, accountId, attempted, cancellationToken))
        {
            return NotFound();
        }

        Problem = result;
        var page = Page();
        page.StatusCode = result.Outcome == AdminOutcome.Invalid ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
        return page;
    }

    private async Task<bool> LoadAsync(string slug, string accountId, string attempted, CancellationToken cancellationToken)
    {
        if (await administration.OpenAsync(slug, attempted, cancellationToken) is not { } organization
            || await administration.FindMemberAsync(organization, accountId, attempted, cancellationToken) is not { } person)
        {
            return false;
        }

        Organization = organization;
        Person = person;
        Membership = person.Memberships.First(m => m.OrganizationId == organization.Id && m.Status == MembershipStatus.Active);
        IsSelf = scope.AccountId == person.Id;
        LockedUntil = await directory.LockedUntilAsync(person.Id, cancellationToken);
        // Through the audience projection: a practice admin sees the attempts at their practices, without addresses or details.
        var timeline = await directory.RecentOutcomesAsync(person.Id, 100, cancellationToken);
        Outcomes = [.. (await projection.TimelineAsync(person.Id, timeline, await scope.AudienceAsync(cancellationToken), cancellationToken)).Take(20)];
        Changes = await directory.RecentChangesAsync(organization, person.Id, 20, cancellationToken);
        OtherPractices = (await scope.AdministeredOrganizationsAsync(cancellationToken)).Where(o => o.Id != organization.Id).ToList();
        return true;
    }
}
