using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Accounts;
using Signpost.Web.Admin;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages;

/// <summary>
/// The page of an invitation link (docs/security.md, "Adding an existing person"): lists the practices
/// waiting for the person's answer; the person ticks the ones to join and declines the rest. The link is
/// single-use and is the person's consent — no practice gains a member without it.
/// </summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimiting.SignInPolicy)]
public sealed class InvitationModel(PracticeInvitations invitations, TimeProvider time) : PageModel
{
    /// <summary>Most practices one answer may name (a form with more is not one Signpost drew).</summary>
    public const int MaxAnswers = 50;

    public string? Token { get; private set; }
    public IReadOnlyList<InvitationOffer> Offers { get; private set; } = [];
    public IReadOnlyList<string>? Joined { get; private set; }
    public FailureView? Failure { get; private set; }

    public async Task OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        Token = token;
        Show(await invitations.OpenAsync(token, cancellationToken));
    }

    public async Task OnPostAsync(string? token, [FromForm(Name = "accept")] List<string>? accept, CancellationToken cancellationToken)
    {
        Token = token;
        var ids = (accept ?? []).Take(MaxAnswers).Select(a => Guid.TryParse(a, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToHashSet();
        var answer = await invitations.AnswerAsync(token, ids, cancellationToken);
        if (answer.Reason is null)
        {
            Joined = answer.Joined;
            return;
        }

        Show(answer);
    }

    private void Show(InvitationAnswer answer)
    {
        Offers = answer.Offers;
        if (answer.Reason is { } reason)
        {
            Failure = new FailureView(reason, reason.UserMessage, HttpContext.GetTraceId(), time.GetUtcNow(), null, []);
        }
    }
}
