using System.Net;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Signpost.Web.Email;

/// <summary>Checks <see cref="EmailOptions"/> at start: a bad setting stops the process with a sentence naming it.</summary>
internal sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var problems = new List<string>();
        if (!MailboxAddress.TryParse(options.From, out var from) || !from.Address.Contains('@', StringComparison.Ordinal))
        {
            problems.Add($"Signpost:Email:From '{options.From}' is not an email address (for example \"Signpost <signpost@payer.example>\").");
        }

        if (options.TimeoutSeconds is < 1 or > 600)
        {
            problems.Add("Signpost:Email:TimeoutSeconds must be between 1 and 600.");
        }

        if (options.OutboxIntervalSeconds is < 1 or > 300)
        {
            problems.Add("Signpost:Email:OutboxIntervalSeconds must be between 1 and 300.");
        }

        if (options.UsesSmtp)
        {
            var host = options.Host!.Trim();
            if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
            {
                problems.Add($"Signpost:Email:Host '{host}' is not a host name or IP address (write smtp.example.org, not a URL).");
            }

            if (options.Port is < 1 or > 65535)
            {
                problems.Add($"Signpost:Email:Port {options.Port} is not a port number (1-65535).");
            }

            var hasUser = !string.IsNullOrEmpty(options.UserName);
            var hasPassword = !string.IsNullOrEmpty(options.Password);
            if (hasUser != hasPassword)
            {
                problems.Add(hasUser
                    ? "Signpost:Email:UserName is set but Signpost:Email:Password is not; set both, or neither for a server that needs no sign-in."
                    : "Signpost:Email:Password is set but Signpost:Email:UserName is not; set both, or neither for a server that needs no sign-in.");
            }

            // The password would cross the network in clear text: only a relay on this machine may take it so.
            if (hasUser && options.Security == SmtpSecurity.None && !IsLoopback(host))
            {
                problems.Add("Signpost:Email:Security is None, which would send Signpost:Email:Password in clear text; use StartTls or SslOnConnect.");
            }
        }
        else if (options.PickupDirectory is { Length: > 0 } folder && folder.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            problems.Add($"Signpost:Email:PickupDirectory '{folder}' is not a valid folder path.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
}
