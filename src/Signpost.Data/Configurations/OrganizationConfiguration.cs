using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Signpost.Core.Organizations;

namespace Signpost.Data.Configurations;

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.HasKey(o => o.Id);
        builder.HasIndex(o => o.Slug).IsUnique();
        builder.Property(o => o.Slug).HasMaxLength(64);
        builder.Property(o => o.Name).HasMaxLength(200);
        builder.Property(o => o.Address).HasMaxLength(500);
        builder.Property(o => o.TaxId).HasMaxLength(9);
        builder.Property(o => o.TimeZone).HasMaxLength(64);
        builder.OwnsOne(o => o.Policy, policy =>
        {
            policy.Property(p => p.BrowserPolicy).HasConversion<string>().HasMaxLength(16);
            // Existing practices get the defaults through the migration (optional, 14 days, 30 days).
            policy.Property(p => p.SecondFactor).HasConversion<string>().HasMaxLength(24);
        });
        builder.Navigation(o => o.Policy).IsRequired();
        builder.OwnsMany(o => o.NetworkRanges, ranges => ranges.ToJson());
    }
}
