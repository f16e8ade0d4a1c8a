using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Queries;
using Signpost.Web.Infrastructure;
using Signpost.Web.Pages.Platform;
using Signpost.Web.Sso;

namespace Signpost.Web.Pages.PlatformSso;

/// <summary>
/// <c>/platform/sso/{slug}</c>: one organization's connection as platform operators see it — its settings form
/// (the secret write-only), health history, and a "Test connection" button that runs the checks now and
/// explains each result. An organization without a connection gets the same form to create one.
/// </summary>
/// <remarks>
/// Saving goes through <see cref="SsoConnectionManager"/> (validation, encrypted secret, audit entry in the same
/// transaction, scheme rebuilt from the new change stamp), so an edit applies to the next sign-in on every
/// node without a restart. The anti-forgery token refuses a post from another site or an expired page; the
/// change stamp refuses a save from a page opened before someone else's edit.
/// </remarks>
[Authorize(Roles = nameof(PlatformRoles.PlatformAdmin))]
public sealed class ConnectionModel(SsoConnectionManager connections, SsoHealthChecker checker, SsoQueries queries) : PlatformPageModel
{
    public Organization? Organization { get; private set; }
    public SsoConnection? Connection { get; private set; }
    public IReadOnlyList<SsoHealthRecord> History { get; private set; } = [];
    public SsoHealthReport? Report { get; private set; }

    [BindProperty(SupportsGet = false)]
    public SsoForm Form { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(string slug, string? done, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        Done = done switch
        {
            "created" => "Connection created; it is used from the next sign-in.",
            "saved" => "Connection saved; it applies from the next sign-in, on every node.",
            _ => null,
        };
        Form = SsoForm.From(Connection);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string slug, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        var problems = Form.ToRequest(out var request).ToList();
        problems.AddRange(connections.Check(request));
        if ((Form.Stamp ?? "") != SsoForm.StampOf(Connection))
        {
            problems.Insert(0, new PolicyProblem("", Connection is null
                ? "The connection was removed since this page was opened; review the values and save again."
                : "Someone changed this connection since this page was opened; the form now shows what you typed — reload to see their change before saving."));
        }

        if (problems.Count == 0)
        {
            var saved = await connections.SaveAsync(slug, request, cancellationToken);
            if (saved.Succeeded)
            {
                return RedirectToPage(new { slug, done = Connection is null ? "created" : "saved" });
            }

            problems.AddRange(saved.Problems.Count > 0 ? saved.Problems : [new PolicyProblem("", saved.Message)]);
        }

        Problems.AddRange(problems);
        // What was typed stays, except the secret: it is never sent back to the browser.
        Form.ClientSecret = null;
        var page = Page();
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }

    public async Task<IActionResult> OnPostTestAsync(string slug, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(slug, cancellationToken) || Connection is null)
        {
            return NotFound();
        }

        Report = await checker.CheckAndRecordAsync(Connection, cancellationToken);
        await LoadAsync(slug, cancellationToken);
        Form = SsoForm.From(Connection);
        return Page();
    }

    private async Task<bool> LoadAsync(string slug, CancellationToken cancellationToken)
    {
        Organization = AccountRules.IsValidSlug(slug) ? await queries.FindOrganizationAsync(slug, cancellationToken) : null;
        if (Organization is null)
        {
            return false;
        }

        Connection = await connections.FindAsync(slug, cancellationToken);
        if (Connection is null)
        {
            History = [];
            return true;
        }

        var id = Connection.Id;
        History = await queries.RecentHealthAsync(id, 20, cancellationToken);
        return true;
    }
}
