using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Signpost.Core.Accounts;

namespace Signpost.Data.Configurations;

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Username).HasMaxLength(64);
        builder.Property(a => a.NormalizedUsername).HasMaxLength(64);
        builder.Property(a => a.Email).HasMaxLength(254);
        builder.Property(a => a.NormalizedEmail).HasMaxLength(254);
        builder.Property(a => a.DisplayName).HasMaxLength(200);
        builder.Property(a => a.Npi).HasMaxLength(10);
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(24);
        builder.Property(a => a.PasswordHash).HasMaxLength(512);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.HasIndex(a => a.NormalizedUsername).IsUnique();
        builder.HasIndex(a => a.NormalizedEmail).IsUnique();
        builder.HasIndex(a => a.Npi).IsUnique();
        builder.HasMany(a => a.Memberships).WithOne().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> builder)
    {
        builder.HasKey(m => m.Id);
        builder.HasIndex(m => new { m.AccountId, m.OrganizationId }).IsUnique();
        builder.HasOne(m => m.Organization).WithMany().HasForeignKey(m => m.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
    }
}
