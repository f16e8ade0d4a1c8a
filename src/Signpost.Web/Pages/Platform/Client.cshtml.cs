using Microsoft.AspNetCore.Mvc;
using Signpost.Core.Administration;
using Signpost.Core.Organizations;
using Signpost.Web.OpenIdProvider;

namespace Signpost.Web.Pages.Platform;

/// <summary>
/// <c>/platform/clients/{clientId}</c>: one portal application's registration — edit it, give it a new secret
/// (shown once), or remove it. Each act goes through <see cref="ClientRegistry"/> like <c>signpost clients</c>,
/// with its checks and audit entry (docs/oidc-provider.md "The platform page").
/// </summary>
/// <remarks>
/// Rotating and removing break the application until its operator acts, so each asks for a deliberate
/// confirmation in the form; an edit carries a stamp of what was shown, so a save over someone else's change
/// is refused rather than silently undoing it.
/// </remarks>
public sealed class ClientModel(ClientRegistry registry) : PlatformPageModel
{
    public ClientView? Client { get; private set; }

    [BindProperty(SupportsGet = false)]
    public ClientForm Form { get; set; } = new();

    /// <summary>Ticked to rotate: the old secret stops working at once.</summary>
    [BindProperty] public bool ConfirmRotate { get; set; }

    /// <summary>The client ID typed again to remove it.</summary>
    [BindProperty] public string? ConfirmRemove { get; set; }

    /// <summary>The new secret, on the one answer that shows it.</summary>
    public ClientSecretIssued? Issued { get; private set; }

    /// <summary>Which form the problems belong to: save, rotate or remove.</summary>
    public string? FailedForm { get; private set; }

    public async Task<IActionResult> OnGetAsync(string clientId, string? done, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(clientId, cancellationToken))
        {
            return NotFound();
        }

        Done = done switch
        {
            "created" => "Application registered; it may sign people in now.",
            "saved" => "Saved; it applies from the application's next request.",
            _ => null,
        };
        Form = ClientForm.From(Client!);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string clientId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(clientId, cancellationToken))
        {
            return NotFound();
        }

        Form.ClientId = Client!.ClientId;
        var problems = Form.ToRequest(out var request).ToList();
        if ((Form.Stamp ?? "") != ClientForm.StampOf(Client))
        {
            problems.Insert(0, new PolicyProblem("", "Someone changed this application since this page was opened; the form shows what you typed — reload to see their change before saving."));
        }

        if (problems.Count == 0)
        {
            var saved = await registry.UpdateAsync(request, cancellationToken);
            if (saved.Succeeded)
            {
                return RedirectToPage(new { clientId = Client.ClientId, done = "saved" });
            }

            problems.AddRange(saved.Problems.Count > 0 ? saved.Problems.Select(p => p with { Field = Form.FieldOf(p) }) : [new PolicyProblem("", saved.Message)]);
        }

        return Redisplay("save", problems);
    }

    public async Task<IActionResult> OnPostRotateSecretAsync(string clientId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(clientId, cancellationToken))
        {
            return NotFound();
        }

        if (!ConfirmRotate)
        {
            return Redisplay("rotate", [new PolicyProblem(nameof(ConfirmRotate), "Tick the box to confirm: the application's current secret stops working at once.")]);
        }

        var rotated = await registry.RotateSecretAsync(Client!.ClientId, cancellationToken);
        if (!rotated.Succeeded)
        {
            return Redisplay("rotate", [new PolicyProblem("", rotated.Message)]);
        }

        // The secret is in this answer only: no redirect (it would travel in an address), nothing cached.
        Issued = rotated.Value;
        Response.Headers.CacheControl = "no-store";
        Form = ClientForm.From(Client);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string clientId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(clientId, cancellationToken))
        {
            return NotFound();
        }

        if (!string.Equals(ConfirmRemove?.Trim(), Client!.ClientId, StringComparison.Ordinal))
        {
            return Redisplay("remove", [new PolicyProblem(nameof(ConfirmRemove), $"Type the client ID, {Client.ClientId}, to remove it.")]);
        }

        var removed = await registry.RemoveAsync(Client.ClientId, cancellationToken);
        return removed.Succeeded ? Redirect("/platform/clients?done=removed") : Redisplay("remove", [new PolicyProblem("", removed.Message)]);
    }

    private Microsoft.AspNetCore.Mvc.RazorPages.PageResult Redisplay(string form, IEnumerable<PolicyProblem> problems)
    {
        FailedForm = form;
        Problems.AddRange(problems);
        if (form != "save")
        {
            Form = ClientForm.From(Client!);
        }

        var page = Page();
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }

    private async Task<bool> LoadAsync(string clientId, CancellationToken cancellationToken)
    {
        var found = await registry.ShowAsync(clientId, cancellationToken);
        Client = found.Value;
        return found.Succeeded;
    }
}
