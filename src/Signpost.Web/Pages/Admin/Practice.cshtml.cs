using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Administration;
using Signpost.Core.Organizations;
using Signpost.Web.Admin;
using Signpost.Web.Sso;

namespace Signpost.Web.Pages.Admin;

/// <summary>
/// One practice's console: its people (search by name, username, email or NPI; status; role), the
/// invitation form, the sign-in outcomes chart and the practice's recent changes. Every handler opens the
/// practice through <see cref="PracticeAdministration.OpenAsync"/>, so another practice's slug is a 404.
/// </summary>
[Authorize]
public sealed class PracticeModel(PracticeAdministration administration, PracticeDirectory directory, SsoConnectionManager sso) : PageModel
{
    /// <summary>The chart spans two weeks unless the admin asks for thirty days.</summary>
    public const int DefaultDays = 14;

    public Organization Organization { get; private set; } = null!;
    public IReadOnlyList<MemberRow> Members { get; private set; } = [];
    public OutcomeChart Chart { get; private set; } = null!;
    public IReadOnlyList<ChangeView> Changes { get; private set; } = [];

    /// <summary>The practice's SSO connection, shown read-only: only platform operators change it.</summary>
    public Signpost.Core.SingleSignOn.SsoConnection? Sso { get; private set; }
    public MemberFilter Filter { get; private set; } = new(null, null, null);
    public int Days { get; private set; } = DefaultDays;

    [TempData]
    public string? Done { get; set; }

    /// <summary>What went wrong with the last post, with the field when one was at fault.</summary>
    public AdminResult? Problem { get; private set; }

    [BindProperty]
    public InviteInput Invite { get; set; } = new();

    /// <summary>The invitation form as typed (never bound from a GET).</summary>
    public sealed class InviteInput
    {
        public string? Email { get; set; }
        public string? Username { get; set; }
        public string? DisplayName { get; set; }
        public string? Npi { get; set; }
        public List<string> Roles { get; set; } = [];
    }

    public async Task<IActionResult> OnGetAsync(string slug, string? q, string? status, string? role, int? days, CancellationToken cancellationToken)
    {
        if (await administration.OpenAsync(slug, "organization.read", cancellationToken) is not { } organization)
        {
            return NotFound();
        }

        Organization = organization;
        Filter = new MemberFilter(q is { Length: > MemberFilter.MaxQueryLength } ? q[..MemberFilter.MaxQueryLength] : q, status, role);
        Days = days == 30 ? 30 : DefaultDays;
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostInviteAsync(string slug, CancellationToken cancellationToken)
    {
        if (await administration.OpenAsync(slug, "account.invite", cancellationToken) is not { } organization)
        {
            return NotFound();
        }

        Organization = organization;
        var (roles, problem) = RoleInput.Parse(Invite.Roles);
        var result = problem is not null
            ? AdminResult.Invalid("roles", problem)
            : await administration.InviteAsync(organization, new InviteRequest(Invite.Email, Invite.Username, Invite.DisplayName, Invite.Npi, roles), cancellationToken);
        if (result.Outcome is AdminOutcome.Done or AdminOutcome.Invited)
        {
            Done = result.Message;
            return RedirectToPage(new { slug = organization.Slug });
        }

        return await ShowAsync(result, cancellationToken);
    }

    public async Task<IActionResult> OnPostAddExistingAsync(string slug, CancellationToken cancellationToken)
    {
        if (await administration.OpenAsync(slug, "membership.add", cancellationToken) is not { } organization)
        {
            return NotFound();
        }

        Organization = organization;
        var (roles, problem) = RoleInput.Parse(Invite.Roles);
        var result = problem is not null
            ? AdminResult.Invalid("roles", problem)
            : await administration.AddExistingAsync(organization, Invite.Email, roles, cancellationToken);
        if (result.Outcome is AdminOutcome.Done or AdminOutcome.Invited)
        {
            Done = result.Message;
            return RedirectToPage(new { slug = organization.Slug });
        }

        return await ShowAsync(result, cancellationToken);
    }

    /// <summary>True when the last post failed on <paramref name="field"/> (the view marks that input invalid).</summary>
    public bool FieldFailed(string field) => Problem is { Outcome: AdminOutcome.Invalid } p && p.Field == field;

    private async Task<IActionResult> ShowAsync(AdminResult result, CancellationToken cancellationToken)
    {
        Problem = result;
        await LoadAsync(cancellationToken);
        var page = Page();
        page.StatusCode = result.Outcome switch
        {
            AdminOutcome.Invalid => StatusCodes.Status400BadRequest,
            _ => StatusCodes.Status409Conflict,
        };
        return page;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Members = await directory.ListAsync(Organization, Filter, cancellationToken);
        Chart = await directory.OutcomesAsync(Organization, Days, cancellationToken);
        Changes = await directory.RecentChangesAsync(Organization, null, 15, cancellationToken);
        Sso = await sso.FindAsync(Organization.Slug, cancellationToken);
    }
}
