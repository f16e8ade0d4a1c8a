using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Signpost.Core.Maintenance;

namespace Signpost.Data.Configurations;

internal sealed class MaintenanceWindowConfiguration : IEntityTypeConfiguration<MaintenanceWindow>
{
    public void Configure(EntityTypeBuilder<MaintenanceWindow> builder)
    {
        builder.HasKey(w => w.Id);
        builder.HasIndex(w => new { w.StartsAt, w.EndsAt });
        builder.Property(w => w.Scope).HasConversion<string>().HasMaxLength(24);
        builder.Property(w => w.Message).HasMaxLength(MaintenancePlanner.MaxMessageLength);
        builder.Property(w => w.EnteredTimeZone).HasMaxLength(64);
        builder.Property(w => w.CreatedBy).HasMaxLength(64);
    }
}
