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

internal sealed class SessionClientConfiguration : IEntityTypeConfiguration<SessionClient>
{
    public void Configure(EntityTypeBuilder<SessionClient> builder)
    {
        builder.ToTable("OpenIdSessionClients");
        builder.HasKey(p => new { p.SessionId, p.ClientId });
        builder.Property(p => p.SessionId).HasMaxLength(64);
        builder.Property(p => p.ClientId).HasMaxLength(SessionClient.MaxClientIdLength);

        // The question asked when sessions end: this person's pairs not yet queued.
        builder.HasIndex(p => new { p.AccountId, p.LogoutQueuedAt });
        builder.HasOne<Core.Sessions.Session>().WithMany().HasForeignKey(p => p.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}
