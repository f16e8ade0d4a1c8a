namespace Signpost.Core.Organizations;

/// <summary>A practice or facility (docs/design.md §2). Its slug makes the bookmarkable sign-in URL <c>/o/{slug}</c>.</summary>
public sealed class Organization
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public string? Address { get; set; }
    /// <summary>Taxpayer identification number, nine digits.</summary>
    public string? TaxId { get; set; }
    /// <summary>Group (type 2) NPIs, each validated with <see cref="Accounts.Npi"/>.</summary>
    public List<string> GroupNpis { get; set; } = [];
    /// <summary>IANA time zone of the practice, used to show times the way its staff read them.</summary>
    public string TimeZone { get; set; } = "America/New_York";
    public OrganizationPolicy Policy { get; set; } = new();
    public List<NetworkRange> NetworkRanges { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
}
