namespace Signpost.Web.Email;

/// <summary>How the connection to the SMTP server is protected.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain SMTP (a relay on the same host or network); credentials only to a loopback server.</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}

/// <summary>
/// Settings under <c>Signpost:Email</c>. With no <see cref="Host"/> Signpost needs no mail server: each
/// message is written as an .eml file to <see cref="PickupDirectory"/> (and, in the demo, listed at /dev/mail).
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Signpost:Email";

    /// <summary>SMTP server host name; empty writes messages to the pickup folder instead.</summary>
    public string? Host { get; set; }

    /// <summary>SMTP port; default by <see cref="Security"/>: 25 for None, 587 for StartTls, 465 for SslOnConnect.</summary>
    public int? Port { get; set; }

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>The From mailbox, e.g. <c>Signpost &lt;signpost@payer.example&gt;</c>.</summary>
    public string From { get; set; } = "Signpost <signpost@localhost>";

    /// <summary>Folder for .eml files when no host is set; default <c>mail</c> beside the database.</summary>
    public string? PickupDirectory { get; set; }

    /// <summary>How long one SMTP operation (connect, authenticate, send) may take.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// How often the recovery mail job looks at the outbox even when nothing woke it (another node queued a
    /// message, a retry is due); the node that queued a message wakes its own job at once.
    /// </summary>
    public int OutboxIntervalSeconds { get; set; } = 5;

    public bool UsesSmtp => !string.IsNullOrWhiteSpace(Host);

    public int EffectivePort => Port ?? Security switch
    {
        SmtpSecurity.None => 25,
        SmtpSecurity.SslOnConnect => 465,
        _ => 587,
    };
}
