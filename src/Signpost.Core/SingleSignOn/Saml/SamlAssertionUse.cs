namespace Signpost.Core.SingleSignOn.Saml;

/// <summary>An assertion ID a connection accepted, kept until the assertion expires (the replay cache, docs/saml.md).</summary>
public sealed class SamlAssertionUse
{
    public Guid ConnectionId { get; set; }
    public required string AssertionId { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
