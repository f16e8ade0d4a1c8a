namespace Signpost.Core.Email;

/// <summary>A mailbox: an address and, optionally, the name shown beside it.</summary>
public sealed record EmailAddress(string Address, string? Name = null)
{
    public override string ToString() => Name is { Length: > 0 } ? $"{Name} <{Address}>" : Address;
}

/// <summary>
/// One message as Signpost composes it: plain text first (every mail client shows it, and links in it are
/// built from the configured public base URL, never from a request), an optional HTML alternative.
/// The sender adds the From address, the date and the message ID.
/// </summary>
public sealed record EmailMessage(IReadOnlyList<EmailAddress> To, string Subject, string TextBody)
{
    public string? HtmlBody { get; init; }
}
