using System.Security.Claims;
using Signpost.Core.Accounts;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// The signed-in person's account, loaded once per request: <see cref="SessionAuthentication"/> reads it (with
/// its memberships and practices) to authenticate the session and keeps it on the request; a page or view
/// component of the same request takes it from there instead of reading it again (docs/capacity.md, "A
/// signed-in page"). It may come from the node's session cache (docs/security.md, "How soon an ended session stops
/// working"), shared with the session's other requests for a few seconds: read it, never change it. A handler that
/// writes to the account and needs the result reads it again from <see cref="IAccountStore"/>.
/// </summary>
public static class SignedInAccount
{
    private static readonly object Key = new();

    /// <summary>The account the session belongs to, for the rest of this request.</summary>
    public static void Remember(HttpContext context, Account account) => context.Items[Key] = account;

    /// <summary>
    /// The signed-in account: the one authentication loaded for this request, or a fresh read when there is none
    /// (or the claim names another account); null when signed out or the account is gone.
    /// </summary>
    public static Task<Account?> FindAsync(HttpContext context, IAccountStore accounts, CancellationToken cancellationToken) =>
        FindAsync(context, _ => accounts, cancellationToken);

    /// <summary>
    /// As <see cref="FindAsync(HttpContext, IAccountStore, CancellationToken)"/>, resolving the account store (and the
    /// database context behind it) only when there is no account on the request to take.
    /// </summary>
    public static Task<Account?> FindAsync(HttpContext context, CancellationToken cancellationToken) =>
        FindAsync(context, static c => c.RequestServices.GetRequiredService<IAccountStore>(), cancellationToken);

    private static async Task<Account?> FindAsync(HttpContext context, Func<HttpContext, IAccountStore> accounts, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(context.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
        {
            return null;
        }

        return context.Items.TryGetValue(Key, out var held) && held is Account account && account.Id == id
            ? account
            : await accounts(context).FindByIdAsync(id, cancellationToken);
    }
}
