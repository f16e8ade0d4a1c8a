using System.Globalization;
using System.Text;
using Signpost.Core.Accounts;
using Signpost.Core.Email;
using Signpost.Core.Lockout;

namespace Signpost.Core.Recovery;

/// <summary>
/// The recovery emails. Links are built from the configured public base URL, never from a request, and
/// each message says what to do when the person did not ask for it.
/// </summary>
public static class RecoveryEmails
{
    public static string ResetLink(string publicBaseUrl, string raw) => $"{publicBaseUrl.TrimEnd('/')}/reset-password?token={raw}";

    public static string UnlockLink(string publicBaseUrl, string raw) => $"{publicBaseUrl.TrimEnd('/')}/unlock/confirm?token={raw}";

    public static string SignInLink(string publicBaseUrl) => $"{publicBaseUrl.TrimEnd('/')}/sign-in";

    public static string ActivationLink(string publicBaseUrl, string raw) => $"{publicBaseUrl.TrimEnd('/')}/activate?token={raw}";

    public static EmailMessage Reset(Account account, string link, DateTimeOffset expiresAt, bool becauseNotLocked)
    {
        var text = new StringBuilder();
        Greeting(text, account);
        text.AppendLine(becauseNotLocked
            ? "You asked to unlock your Signpost account, but it is not locked, so there is nothing to unlock. If you cannot sign in, check the password first (is Caps Lock on?); if it still does not work, choose a new one with the link below."
            : "Someone — we hope you — asked to reset the password of your Signpost account.").AppendLine();
        text.AppendLine("Choose a new password here:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {link}").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"The link works once, until {Utc(expiresAt)}. Opening it also lets that browser in if your account is locked.");
        text.AppendLine("After the reset every session of yours is signed out and you sign in again with the new password.").AppendLine();
        text.AppendLine("Did not ask? Ignore this email: your password stays as it is. If it keeps happening, tell your practice administrator.");
        return new EmailMessage([To(account)], "Reset your Signpost password", text.ToString());
    }

    /// <summary>
    /// The unlock link for a lock that holds. It says whose lock it is (the one all unknown browsers share, or
    /// one trusted browser's own), when it ends in the practice's time zone and UTC, rounded up, and that
    /// waiting is enough: once that time has passed the person simply signs in again.
    /// </summary>
    public static EmailMessage Unlock(Account account, string link, LockoutCounter lockedBy, DateTimeOffset now, TimeZoneInfo? zone, DateTimeOffset expiresAt)
    {
        var text = new StringBuilder();
        Greeting(text, account);
        text.AppendLine(lockedBy.DeviceKey == LockoutCounter.UntrustedKey
            ? string.Create(CultureInfo.InvariantCulture, $"Your Signpost account is locked for browsers it does not know, after {lockedBy.FailureCount} wrong passwords were typed on them. A browser you have signed in from before is not affected by this lock.")
            : string.Create(CultureInfo.InvariantCulture, $"Your Signpost account is locked on one browser you have signed in from before, after {lockedBy.FailureCount} wrong passwords were typed on that browser."));
        text.AppendLine(LockNotice.Describe(lockedBy.LockedUntil!.Value, now, zone)).AppendLine();
        text.AppendLine("You can wait: once that time has passed the lock is over. Then sign in again; no link and no password reset is needed.").AppendLine();
        text.AppendLine("Or unlock it now:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {link}").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"The link works once, until {Utc(expiresAt)}, and makes the browser you open it in trusted for your account, so attempts by others cannot lock you out of it again.").AppendLine();
        text.AppendLine("If those attempts were not yours, someone may be guessing your password: after unlocking, reset it from the sign-in page and tell your practice administrator.");
        return new EmailMessage([To(account)], "Unlock your Signpost account", text.ToString());
    }

    /// <summary>
    /// The answer to an unlock request that arrived after the lock had ended: first and plainly, sign in
    /// again (the very words the sign-in page uses, <see cref="LockNotice.Ended"/>); a reset only second.
    /// </summary>
    public static EmailMessage LockEnded(Account account, string signInLink, string resetLink, DateTimeOffset expiresAt)
    {
        var text = new StringBuilder();
        Greeting(text, account);
        text.AppendLine("You asked to unlock your Signpost account. The lock ended before your request arrived, so there is nothing to unlock.").AppendLine();
        text.AppendLine(LockNotice.Ended);
        text.AppendLine(CultureInfo.InvariantCulture, $"  {signInLink}").AppendLine();
        text.AppendLine("Use your usual password: the lock did not change it, and no reset is needed.").AppendLine();
        text.AppendLine("Only if that password really does not work any more, choose a new one here:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {resetLink}").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"That link works once, until {Utc(expiresAt)}. After a reset every session of yours is signed out.").AppendLine();
        text.AppendLine("Did not ask? Ignore this email: nothing changes. If it keeps happening, tell your practice administrator.");
        return new EmailMessage([To(account)], "Your Signpost account is no longer locked", text.ToString());
    }

    public static EmailMessage Activation(Account account, string link, DateTimeOffset expiresAt)
    {
        var text = new StringBuilder();
        Greeting(text, account);
        text.AppendLine("Your Signpost account is waiting for you to choose a password.").AppendLine();
        text.AppendLine("Set it here:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {link}").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"The link works once, until {Utc(expiresAt)}. Your username is {account.Username}.").AppendLine();
        text.AppendLine("Not expecting this? Ignore it; nothing happens unless the link is used.");
        return new EmailMessage([To(account)], "Activate your Signpost account", text.ToString());
    }

    public static EmailMessage PasswordChanged(Account account, DateTimeOffset at, string? clientIp, string? browser, string signInLink)
    {
        var text = new StringBuilder();
        Greeting(text, account);
        text.AppendLine(CultureInfo.InvariantCulture, $"The password of your Signpost account ({account.Username}) was changed at {Utc(at)} through a reset link.");
        text.AppendLine(CultureInfo.InvariantCulture, $"From: {clientIp ?? "an unknown address"}, {browser ?? "an unknown browser"}.").AppendLine();
        text.AppendLine("Every session was signed out and any lock was cleared. Sign in with the new password:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {signInLink}").AppendLine();
        text.AppendLine("Was this not you? Reset your password again at once from the sign-in page and call your practice administrator or payer support.");
        return new EmailMessage([To(account)], "Your Signpost password was changed", text.ToString());
    }

    private static void Greeting(StringBuilder text, Account account) =>
        text.AppendLine(CultureInfo.InvariantCulture, $"Hello {account.DisplayName},").AppendLine();

    private static EmailAddress To(Account account) => new(account.Email, account.DisplayName);

    private static string Utc(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("ddd d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
