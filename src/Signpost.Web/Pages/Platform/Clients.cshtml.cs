using Microsoft.AspNetCore.Mvc;
using Signpost.Core.Organizations;
using Signpost.Core.Administration;
using Signpost.Web.OpenIdProvider;

namespace Signpost.Web.Pages.Platform;

/// <summary>
/// <c>/platform/clients</c>: the portal applications that sign people in through Signpost, and a form to register
/// one. Registration goes through <see cref="ClientRegistry"/>, as <c>signpost clients add</c> does: the same
/// checks, the same audit entry (docs/oidc-provider.md "Clients").
/// </summary>
public sealed class ClientsModel(ClientRegistry registry) : PlatformPageModel
{
    public IReadOnlyList<ClientView> Clients { get; private set; } = [];

    [BindProperty(SupportsGet = false)]
    public ClientForm Form { get; set; } = ClientForm.New();

    /// <summary>The client just registered with its secret, shown on this one answer and never again.</summary>
    public ClientSecretIssued? Issued { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        Done = done == "removed" ? "Client removed; its tokens no longer work." : null;
        Clients = await registry.ListAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        var problems = Form.ToRequest(out var request).ToList();
        if (problems.Count == 0)
        {
            var added = await registry.AddAsync(request, cancellationToken);
            if (added.Succeeded)
            {
                if (added.Value!.Secret is null)
                {
                    return Redirect($"/platform/clients/{Uri.EscapeDataString(added.Value.Client.ClientId)}?done=created");
                }

                // The secret is in this answer only: no redirect (it would travel in an address), nothing cached.
                Issued = added.Value;
                Response.Headers.CacheControl = "no-store";
                Form = ClientForm.New();
                Clients = await registry.ListAsync(cancellationToken);
                return Page();
            }

            problems.AddRange(added.Result.Problems.Count > 0
                ? added.Result.Problems.Select(p => p with { Field = Form.FieldOf(p) })
                : [new PolicyProblem(added.Result.Outcome == AdminOutcome.Conflict ? nameof(ClientForm.ClientId) : "", added.Result.Message)]);
        }

        Problems.AddRange(problems);
        Clients = await registry.ListAsync(cancellationToken);
        var page = Page();
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }
}
