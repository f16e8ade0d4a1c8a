using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Signpost.Core.SingleSignOn;

namespace Signpost.Data.Configurations;

internal sealed class SsoConnectionConfiguration : IEntityTypeConfiguration<SsoConnection>
{
    public void Configure(EntityTypeBuilder<SsoConnection> builder)
    {
        builder.HasKey(c => c.Id);
        // One connection per organization: home-realm discovery and "SSO required" need one answer.
        builder.HasIndex(c => c.OrganizationId).IsUnique();
        builder.HasOne(c => c.Organization).WithMany().HasForeignKey(c => c.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(c => c.DiscoveryUrl).HasMaxLength(SsoConnection.MaxUrlLength);
        builder.Property(c => c.ClientId).HasMaxLength(200);
        builder.Property(c => c.ProtectedClientSecret).HasMaxLength(2000);
        builder.Property(c => c.Scopes).HasMaxLength(500);
        builder.Property(c => c.UsernameClaim).HasMaxLength(64);
        builder.Property(c => c.EmailClaim).HasMaxLength(64);
        builder.Property(c => c.NpiClaim).HasMaxLength(64);
        builder.Property(c => c.HealthStatus).HasConversion<string>().HasMaxLength(16);
        builder.PrimitiveCollection(c => c.EmailDomains);
        SamlSettingsConfiguration.Configure(builder);
    }
}

internal sealed class SsoLinkConfiguration : IEntityTypeConfiguration<SsoLink>
{
    public void Configure(EntityTypeBuilder<SsoLink> builder)
    {
        builder.HasKey(l => new { l.ConnectionId, l.Subject });
        builder.HasIndex(l => l.AccountId);
        // A removed connection takes its links with it: a link names a provider user of that connection only.
        builder.HasOne<SsoConnection>().WithMany().HasForeignKey(l => l.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(l => l.Subject).HasMaxLength(255);
        builder.Property(l => l.LinkedBy).HasMaxLength(16);
    }
}

internal sealed class SsoHealthRecordConfiguration : IEntityTypeConfiguration<SsoHealthRecord>
{
    public void Configure(EntityTypeBuilder<SsoHealthRecord> builder)
    {
        builder.HasKey(r => r.Id);
        builder.HasIndex(r => new { r.ConnectionId, r.CheckedAt });
        // ... and its health history.
        builder.HasOne<SsoConnection>().WithMany().HasForeignKey(r => r.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Findings).HasMaxLength(8000);
    }
}
