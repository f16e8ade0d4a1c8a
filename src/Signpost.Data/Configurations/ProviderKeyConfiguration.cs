using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Signpost.Core.OpenIdProvider;

namespace Signpost.Data.Configurations;

internal sealed class ProviderKeyConfiguration : IEntityTypeConfiguration<ProviderKey>
{
    public void Configure(EntityTypeBuilder<ProviderKey> builder)
    {
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasMaxLength(64);
        builder.Property(k => k.Use).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(k => new { k.Use, k.CreatedAt });
    }
}
