using System.Globalization;
using System.Text;
using Signpost.Core.Accounts;
using Signpost.Core.Email;

namespace Signpost.Core.Mfa;

/// <summary>The email a person gets when someone else reset their second factor (docs/mfa.md, "Lost authenticator").</summary>
public static class SecondFactorEmails
{
    public static EmailMessage Reset(Account account, string byWhom, DateTimeOffset at, string signInLink)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Hello {account.DisplayName},").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{byWhom} reset the two-step verification of your Signpost account ({account.Username}) at {at.UtcDateTime.ToString("ddd d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture)}.");
        text.AppendLine("Your authenticator apps and recovery codes no longer work, and every session was signed out.").AppendLine();
        text.AppendLine("When you next sign in you will be asked to set up an authenticator app again:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {signInLink}").AppendLine();
        text.AppendLine("Did you not ask for this? Call your practice administrator or payer support at once.");
        return new EmailMessage([new EmailAddress(account.Email, account.DisplayName)], "Your Signpost two-step verification was reset", text.ToString());
    }
}
