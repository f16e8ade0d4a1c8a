using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Mfa;
using Signpost.Web.Infrastructure;
using Signpost.Web.Mfa;

namespace Signpost.Web.Pages.Account;

/// <summary>
/// The person's own second factor (docs/mfa.md, "Methods"): their authenticators, each named and removable; a
/// new one enrolled by QR code or typed key and confirmed with a first code; their recovery codes, shown once
/// and replaceable. Thin: the rules are <see cref="SecondFactorEnrolment"/>'s.
/// </summary>
public sealed class SecondFactorModel(SecondFactorEnrolment enrolment, IAccountStore accounts, PasskeyCeremonies ceremonies) : PageModel
{
    public const string Issuer = "Signpost";

    public IReadOnlyList<TotpAuthenticator> Authenticators { get; private set; } = [];

    /// <summary>The person's passkeys (docs/mfa.md, "Passkeys").</summary>
    public IReadOnlyList<Passkey> Passkeys { get; private set; } = [];
    public int RecoveryCodesLeft { get; private set; }

    /// <summary>Arrived from sign-in because a practice requires a second factor the person lacks.</summary>
    public bool Enrol { get; private set; }

    /// <summary>The authenticator being enrolled, with its QR code and key as text.</summary>
    public TotpAuthenticator? Pending { get; private set; }
    public string? PendingQr { get; private set; }
    public string? PendingKey { get; private set; }

    /// <summary>Recovery codes to show now, once.</summary>
    public IReadOnlyList<string> NewRecoveryCodes { get; private set; } = [];

    public string? Message { get; private set; }
    public string? Problem { get; private set; }

    public async Task OnGetAsync(bool enrol, Guid? pending, CancellationToken cancellationToken)
    {
        Enrol = enrol;
        if (pending is { } id)
        {
            await ShowPendingAsync(id, cancellationToken);
        }

        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostStartAsync(string? name, CancellationToken cancellationToken)
    {
        if (SecondFactorEnrolment.CleanName(name) is not { } clean)
        {
            Problem = $"Give the authenticator a name of 1 to {TotpAuthenticator.MaxNameLength} characters, such as \"my phone\".";
            await LoadAsync(cancellationToken);
            return Page();
        }

        var started = await enrolment.StartAsync(AccountId, clean, cancellationToken);
        if (started is null)
        {
            Problem = $"You already have {SecondFactorEnrolment.MaxAuthenticators} authenticators. Remove one first.";
            await LoadAsync(cancellationToken);
            return Page();
        }

        return RedirectToPage(new { pending = started.Authenticator.Id });
    }

    public async Task<IActionResult> OnPostConfirmAsync(Guid id, string? code, CancellationToken cancellationToken)
    {
        var outcome = await enrolment.ConfirmAsync(AccountId, id, code, await ActorAsync(cancellationToken), cancellationToken);
        if (outcome.Confirmed)
        {
            Message = outcome.Message;
            NewRecoveryCodes = outcome.RecoveryCodes;
        }
        else
        {
            Problem = outcome.Message;
            await ShowPendingAsync(id, cancellationToken);
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken cancellationToken)
    {
        // Only an authenticator of this account can be removed, whatever ID is posted.
        await enrolment.RemoveAsync(AccountId, id, await ActorAsync(cancellationToken), cancellationToken);
        return RedirectToPage();
    }

    /// <summary>The request to create a passkey for this person, with its protected token; read by wwwroot/js/passkeys.js.</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync(CancellationToken cancellationToken)
    {
        var account = await accounts.FindByIdAsync(AccountId, cancellationToken);
        if (account is null)
        {
            return NotFound();
        }

        var (options, state) = ceremonies.RegistrationOptions(account, await enrolment.ListPasskeysAsync(AccountId, cancellationToken));
        return SignInPasskeyModel.OptionsResult(options, state);
    }

    /// <summary>The browser's new passkey: checked (Fido2), then kept under the name the person gave it.</summary>
    public async Task<IActionResult> OnPostPasskeyAddAsync(string? name, string? response, string? state, CancellationToken cancellationToken)
    {
        if (SecondFactorEnrolment.CleanName(name) is not { } clean)
        {
            Problem = $"Give the passkey a name of 1 to {Passkey.MaxNameLength} characters, such as \"YubiKey\".";
            await LoadAsync(cancellationToken);
            return Page();
        }

        var (passkey, problem) = await ceremonies.CompleteRegistrationAsync(AccountId, clean, response, state, cancellationToken);
        if (passkey is not null)
        {
            var outcome = await enrolment.AddPasskeyAsync(passkey, await ActorAsync(cancellationToken), cancellationToken);
            if (outcome.Confirmed)
            {
                Message = outcome.Message;
                NewRecoveryCodes = outcome.RecoveryCodes;
            }
            else
            {
                Problem = outcome.Message;
            }
        }
        else
        {
            Problem = problem;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostPasskeyRemoveAsync(Guid id, CancellationToken cancellationToken)
    {
        // Only a passkey of this account can be removed, whatever ID is posted.
        await enrolment.RemovePasskeyAsync(AccountId, id, await ActorAsync(cancellationToken), cancellationToken);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (!Authenticators.Any(a => a.ConfirmedAt is not null) && Passkeys.Count == 0)
        {
            Problem = "Set up an authenticator app or a passkey first; recovery codes stand in for it.";
            return Page();
        }

        NewRecoveryCodes = await enrolment.ReplaceRecoveryCodesAsync(AccountId, await ActorAsync(cancellationToken), cancellationToken);
        Message = "New recovery codes are ready. The old ones no longer work.";
        await LoadAsync(cancellationToken);
        return Page();
    }

    private Guid AccountId => Guid.Parse(User.FindFirstValue(ClaimTypes.NameIdentifier)!);

    private async Task<AuditActor> ActorAsync(CancellationToken cancellationToken)
    {
        var account = await accounts.FindByIdAsync(AccountId, cancellationToken);
        return AuditActor.Account(AccountId, account?.Username ?? "?", HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.GetTraceId());
    }

    private async Task ShowPendingAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await enrolment.PendingAsync(AccountId, id, cancellationToken) is not { } pending)
        {
            return;
        }

        var account = await accounts.FindByIdAsync(AccountId, cancellationToken);
        Pending = pending.Authenticator;
        PendingKey = TotpCodes.Grouped(pending.Secret);
        PendingQr = QrCodes.PngDataUri(TotpCodes.KeyUri(pending.Secret, Issuer, account?.Username ?? "account"));
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Authenticators = await enrolment.ListAsync(AccountId, cancellationToken);
        RecoveryCodesLeft = await enrolment.RecoveryCodesLeftAsync(AccountId, cancellationToken);
        Passkeys = await enrolment.ListPasskeysAsync(AccountId, cancellationToken);
    }
}
