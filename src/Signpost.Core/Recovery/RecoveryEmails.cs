using System.Globalization;
using System.Text;
using Signpost.Core.Accounts;
using Signpost.Core.Email;

namespace Signpost.Core.Recovery;

/// <summary>
/// The recovery emails. Links are built from the configured public base URL, never from a request, and
/// each message says what to do when the person did not ask for it.
/// </summary>
public static class RecoveryEmails
{
    public static string ResetLink(string publicBaseUrl, string raw) => $"{publicBaseUrl.TrimEnd('/')}/reset-password?token={raw}";

    public static string UnlockLink(string publicBaseUrl, string raw) => $"{publicBaseUrl.TrimEnd('/')}/unlock/confirm?token={raw}";

    public static string ActivationLink(string publicBaseUrl, string raw) => $"{publicBaseUrl.TrimEnd('/')}/activate?token={raw}";

    public static EmailMessage Reset(Account account, string link, DateTimeOffset expiresAt, bool becauseNotLocked)
    {
        var text = new StringBuilder();
        Greeting(text, account);
        text.AppendLine(becauseNotLocked
            ? "You asked to unlock your Signpost account, but it is not locked. If you cannot sign in, the password is the likely problem: choose a new one with the link below."
            : "Someone — we hope you — asked to reset the password of your Signpost account.").AppendLine();
        text.AppendLine("Choose a new password here:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {link}").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"The link works once, until {Utc(expiresAt)}. Opening it also lets that browser in if your account is locked.");
        text.AppendLine("After the reset every session of yours is signed out and you sign in again with the new password.").AppendLine();
        text.AppendLine("Did not ask? Ignore this email: your password stays as it is. If it keeps happening, tell your practice administrator.");
        return new EmailMessage([To(account)], "Reset your Signpost password", text.ToString());
    }

    public static EmailMessage Unlock(Account account, string link, DateTimeOffset lockedUntil, int failures, DateTimeOffset expiresAt)
    {
        var text = new StringBuilder();
        Greeting(text, account);
        text.AppendLine(CultureInfo.InvariantCulture, $"Your Signpost account is locked until {Utc(lockedUntil)} after {failures} failed sign-in attempts from browsers it does not know.").AppendLine();
        text.AppendLine("Unlock it now:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {link}").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"The link works once, until {Utc(expiresAt)}, and makes the browser you open it in trusted for your account, so attempts by others cannot lock you out of it again.").AppendLine();
        text.AppendLine("If those attempts were not yours, someone may be guessing your password: after unlocking, reset it from the sign-in page and tell your practice administrator.");
        return new EmailMessage([To(account)], "Unlock your Signpost account", text.ToString());
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
