using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Signpost.Core.Documents;

namespace Signpost.Data.Configurations;

internal sealed class SiteDocumentConfiguration : IEntityTypeConfiguration<SiteDocument>
{
    public void Configure(EntityTypeBuilder<SiteDocument> builder)
    {
        builder.HasKey(d => d.Key);
        builder.Property(d => d.Key).HasMaxLength(64);
        builder.Property(d => d.Markdown).HasMaxLength(SiteDocument.MaxBytes);
        builder.Property(d => d.UpdatedBy).HasMaxLength(64);
    }
}
