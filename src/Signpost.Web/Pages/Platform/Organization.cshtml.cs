using Microsoft.AspNetCore.Mvc;
using Signpost.Core.Organizations;
using Signpost.Core.Administration;
using Signpost.Web.Platform;
using Signpost.Web.Sso;

namespace Signpost.Web.Pages.Platform;

/// <summary>
/// One organization for the platform operator: its details, every policy value, and its declared networks.
/// Each form posts on its own; a post with any bad value stores nothing and marks the fields it names.
/// Policies are read from the database at every sign-in, so a saved change applies to the next attempt on
/// every node without a restart.
/// </summary>
public sealed class OrganizationModel(PlatformAdministration platform, PlatformProvisioning provisioning, SsoConnectionManager sso) : PlatformPageModel
{
    public Organization? Current { get; private set; }

    /// <summary>The organization's SSO connection for the status line; edited on <c>/platform/sso/{slug}</c>.</summary>
    public Signpost.Core.SingleSignOn.SsoConnection? Sso { get; private set; }

    [BindProperty(SupportsGet = false)] public OrganizationDetails Details { get; set; } = new(null, null, null, null, null);
    [BindProperty] public PolicyForm Policy { get; set; } = new();
    [BindProperty] public string? Cidr { get; set; }
    [BindProperty] public string? Label { get; set; }
    [BindProperty] public bool Allowed { get; set; } = true;

    /// <summary>Which form the problems belong to: details, policy or network.</summary>
    public string? FailedForm { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, string? done, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        Done = done switch
        {
            "created" => "Organization created.",
            "details" => "Details saved.",
            "policy" => "Policy saved; it applies from the next sign-in.",
            "network" => "Network range saved.",
            "removed" => "Network range removed.",
            _ => null,
        };
        Details = new OrganizationDetails(Current!.Name, Current.Address, Current.TaxId, string.Join(", ", Current.GroupNpis), Current.TimeZone);
        Policy = PolicyForm.From(Current.Policy);
        return Page();
    }

    public Task<IActionResult> OnPostDetailsAsync(string slug, CancellationToken cancellationToken) =>
        SaveAsync(slug, "details", async () => (await platform.UpdateDetailsAsync(slug, Details, cancellationToken)).Result, cancellationToken);

    public Task<IActionResult> OnPostPolicyAsync(string slug, CancellationToken cancellationToken)
    {
        var problems = Policy.Parse(out var apply);
        if (problems.Count > 0)
        {
            return RedisplayAsync(slug, "policy", problems, cancellationToken);
        }

        return SaveAsync(slug, "policy", async () => (await provisioning.UpdatePolicyAsync(slug, apply, cancellationToken)).Result, cancellationToken);
    }

    public Task<IActionResult> OnPostAddNetworkAsync(string slug, CancellationToken cancellationToken) =>
        SaveAsync(slug, "network", async () => (await provisioning.AddNetworkRangeAsync(slug, Cidr ?? "", Label ?? "", Allowed, cancellationToken)).Result, cancellationToken);

    public Task<IActionResult> OnPostRemoveNetworkAsync(string slug, string? remove, CancellationToken cancellationToken) =>
        SaveAsync(slug, "removed", () => platform.RemoveNetworkRangeAsync(slug, remove ?? "", cancellationToken), cancellationToken);

    private async Task<IActionResult> SaveAsync(string slug, string form, Func<Task<AdminResult>> save, CancellationToken cancellationToken)
    {
        if (await platform.FindOrganizationAsync(slug, cancellationToken) is null)
        {
            return NotFound();
        }

        var result = await save();
        if (result.Succeeded)
        {
            return RedirectToPage(new { slug, done = form });
        }

        // Each problem names its field: the policy's and details' as the form binds them; the network form's two inputs by their property.
        var problems = result.Problems.Count > 0 ? result.Problems.Select(p => p with { Field = NetworkField(p.Field) }).ToList() : [new PolicyProblem("", result.Message)];
        return await RedisplayAsync(slug, form, problems, cancellationToken);
    }

    private string NetworkField(string field) => field switch
    {
        "cidr" => nameof(Cidr),
        "label" => nameof(Label),
        _ => field,
    };

    private async Task<IActionResult> RedisplayAsync(string slug, string form, IEnumerable<PolicyProblem> problems, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        FailedForm = form == "removed" ? "network" : form;
        Problems.AddRange(problems);

        // The other forms show what is stored; the failed one keeps what was typed.
        if (FailedForm != "details")
        {
            Details = new OrganizationDetails(Current!.Name, Current.Address, Current.TaxId, string.Join(", ", Current.GroupNpis), Current.TimeZone);
        }

        if (FailedForm != "policy")
        {
            Policy = PolicyForm.From(Current!.Policy);
        }

        return Page();
    }

    private async Task<bool> LoadAsync(string slug, CancellationToken cancellationToken)
    {
        Current = await platform.FindOrganizationAsync(slug, cancellationToken);
        Sso = Current is null ? null : await sso.FindAsync(Current.Slug, cancellationToken);
        return Current is not null;
    }
}
