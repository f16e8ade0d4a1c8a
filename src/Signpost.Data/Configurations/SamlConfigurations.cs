using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Signpost.Core.SingleSignOn;
using Signpost.Core.SingleSignOn.Saml;

namespace Signpost.Data.Configurations;

/// <summary>A SAML connection's provider settings: owned by the connection, in their own table, gone with it.</summary>
internal static class SamlSettingsConfiguration
{
    public static void Configure(EntityTypeBuilder<SsoConnection> connection)
    {
        connection.Property(c => c.Protocol).HasConversion<string>().HasMaxLength(16);
        connection.OwnsOne(c => c.Saml, saml =>
        {
            saml.ToTable("SamlConnectionSettings");
            saml.WithOwner().HasForeignKey("ConnectionId");
            saml.Property<Guid>("ConnectionId");
            saml.HasKey("ConnectionId");
            saml.Property(s => s.IdpEntityId).HasMaxLength(SsoConnection.MaxUrlLength);
            saml.Property(s => s.SsoUrl).HasMaxLength(SsoConnection.MaxUrlLength);
            saml.Property(s => s.MetadataUrl).HasMaxLength(SsoConnection.MaxUrlLength);
            saml.Property(s => s.SigningCertificates).HasMaxLength(SamlSettings.MaxCertificatesLength);
        });
    }
}

internal sealed class SamlAssertionUseConfiguration : IEntityTypeConfiguration<SamlAssertionUse>
{
    public void Configure(EntityTypeBuilder<SamlAssertionUse> builder)
    {
        // The key is the replay check: a second insert of the same ID fails on every node at once.
        builder.HasKey(u => new { u.ConnectionId, u.AssertionId });
        builder.HasIndex(u => u.ExpiresAt);
        builder.Property(u => u.AssertionId).HasMaxLength(256);
        builder.HasOne<SsoConnection>().WithMany().HasForeignKey(u => u.ConnectionId).OnDelete(DeleteBehavior.Cascade);
    }
}
