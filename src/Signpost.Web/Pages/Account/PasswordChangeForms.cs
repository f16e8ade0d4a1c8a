using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Account;

/// <summary>
/// What the two change-password pages share (the change that is due after "password expired" or "reset required",
/// and the signed-in person's own): the new password typed twice, then <see cref="PasswordSignIn.ChangePasswordAsync"/>,
/// which continues in a new session.
/// </summary>
internal static class PasswordChangeForms
{
    /// <summary>Where a changed password lands: the portal, with a notice.</summary>
    public const string ChangedUrl = "/?notice=password-changed";

    /// <summary>The two new passwords differ: refused and recorded like every failure, before the pipeline is asked.</summary>
    public static async Task<FailureView> MismatchAsync(HttpContext context, string? username, bool? cookiesWorking, bool? javaScriptWorking) =>
        FailureView.From(await EdgeRejections.RecordAsync(context, ReasonCodes.PasswordNotAccepted, username, SignInMethod.ChangePassword,
            "The two new passwords differ.", cookiesWorking: cookiesWorking, javaScriptWorking: javaScriptWorking,
            problems: ["The two new passwords are not the same."]));

    /// <summary>The change itself; null when it succeeded and the new session's cookies are set, else what to show.</summary>
    public static async Task<FailureView?> ChangeAsync(
        HttpContext context, PasswordSignIn pipeline, Guid accountId, PasswordSignInRequest request, string? newPassword, CancellationToken cancellationToken)
    {
        var result = await pipeline.ChangePasswordAsync(accountId, request, newPassword, cancellationToken);
        if (!result.Succeeded)
        {
            Problems.SetRetryAfter(context, result);
            return FailureView.From(result);
        }

        ClientFactsReader.WriteSignInCookies(context, result);
        return null;
    }
}
