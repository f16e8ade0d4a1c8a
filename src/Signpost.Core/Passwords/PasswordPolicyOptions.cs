namespace Signpost.Core.Passwords;

/// <summary>Settings under <c>Signpost:Passwords</c> (docs/passwords.md).</summary>
public sealed class PasswordPolicyOptions
{
    public const string Section = "Signpost:Passwords";

    /// <summary>
    /// Product and payer names no password may contain (compared ignoring case, spaces and punctuation).
    /// Configured names are added to the default "Signpost" (the configuration binder appends to lists).
    /// </summary>
    public List<string> ContextWords { get; set; } = ["Signpost"];

    /// <summary>The optional check against breached passwords (<c>Signpost:Passwords:BreachCheck</c>).</summary>
    public BreachCheckOptions BreachCheck { get; set; } = new();
}

/// <summary>
/// The breached-password check over the k-anonymity range protocol of Have I Been Pwned's Pwned
/// Passwords: only the first five hex digits of the password's SHA-1 leave the server.
/// </summary>
public sealed class BreachCheckOptions
{
    public const int MaxTimeoutSeconds = 30;

    /// <summary>Off by default: it sends a hash prefix to a third party, which an operator must choose to do.</summary>
    public bool Enabled { get; set; }

    /// <summary>The service; <c>GET {BaseUrl}/range/{first five hex digits}</c>.</summary>
    public string BaseUrl { get; set; } = "https://api.pwnedpasswords.com";

    /// <summary>The whole check (connect, answer, body) must finish within this many seconds (1–30).</summary>
    public int TimeoutSeconds { get; set; } = 3;

    /// <summary>False (default): when the service cannot be reached the password is accepted with a note. True: refused.</summary>
    public bool RejectWhenUnavailable { get; set; }
}
