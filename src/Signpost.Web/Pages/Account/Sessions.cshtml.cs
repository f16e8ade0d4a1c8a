using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Sessions;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Account;

/// <summary>"Where am I signed in": the person's live sessions, and a way to end the others.</summary>
public sealed class SessionsModel(SessionManager sessions) : PageModel
{
    public IReadOnlyList<Session> Sessions { get; private set; } = [];
    public string? CurrentId { get; private set; }
    public int Ended { get; private set; }
    public int IdleMinutes { get; private set; }

    public Task OnGetAsync(int ended, CancellationToken cancellationToken)
    {
        Ended = ended;
        return LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostEndOthersAsync(CancellationToken cancellationToken)
    {
        var ended = await sessions.EndAllAsync(AccountId, CurrentSession, "signed out from another session", cancellationToken);
        return RedirectToPage(new { ended });
    }

    public async Task<IActionResult> OnPostEndAsync(string? id, CancellationToken cancellationToken)
    {
        // Only a session of this account can be ended from here, whatever ID is posted.
        var mine = await sessions.ListAsync(AccountId, cancellationToken);
        if (id is not null && id != CurrentSession && mine.Any(s => s.Id == id))
        {
            await sessions.EndAsync(id, "signed out from another session", cancellationToken);
            return RedirectToPage(new { ended = 1 });
        }

        return RedirectToPage();
    }

    private Guid AccountId => Guid.Parse(User.FindFirstValue(ClaimTypes.NameIdentifier)!);

    private string? CurrentSession => User.FindFirst(SessionAuthentication.SessionIdClaim)?.Value;

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        CurrentId = CurrentSession;
        Sessions = await sessions.ListAsync(AccountId, cancellationToken);
        IdleMinutes = (int)(Sessions.FirstOrDefault(s => s.Id == CurrentId)?.IdleTimeout.TotalMinutes ?? 15);
    }
}
