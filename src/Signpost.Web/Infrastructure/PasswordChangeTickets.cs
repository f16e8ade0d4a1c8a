using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// A short-lived, signed note that the password of an account was just proven but must be changed.
/// It only opens the change page, which asks for the current password again.
/// </summary>
public sealed class PasswordChangeTickets(IDataProtectionProvider protection, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly IDataProtector _protector = protection.CreateProtector("Signpost.PasswordChangeTicket.v1");

    public string Issue(Guid accountId) =>
        _protector.Protect(string.Create(CultureInfo.InvariantCulture, $"{accountId:N}|{(time.GetUtcNow() + Lifetime).ToUnixTimeSeconds()}"));

    /// <summary>The account the ticket is for, or null when it is missing, forged or expired.</summary>
    public Guid? Read(string? ticket)
    {
        if (string.IsNullOrEmpty(ticket) || ticket.Length > 1024)
        {
            return null;
        }

        try
        {
            var parts = _protector.Unprotect(ticket).Split('|');
            if (parts.Length == 2 && Guid.TryParseExact(parts[0], "N", out var id)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
                && time.GetUtcNow().ToUnixTimeSeconds() < expires)
            {
                return id;
            }
        }
        catch (CryptographicException)
        {
        }

        return null;
    }
}
