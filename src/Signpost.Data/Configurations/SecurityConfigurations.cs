using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Passwords;
using Signpost.Core.Scheduling;
using Signpost.Core.Sessions;
using Signpost.Core.Tokens;

namespace Signpost.Data.Configurations;

internal sealed class SignInEventConfiguration : IEntityTypeConfiguration<SignInEvent>
{
    public void Configure(EntityTypeBuilder<SignInEvent> builder)
    {
        builder.HasKey(e => e.Id);
        builder.HasIndex(e => e.TraceId);
        builder.HasIndex(e => new { e.AccountId, e.OccurredAt });
        // A practice's events by time, with what its failure reads filter on: the troubleshooter's SSO failures around
        // an attempt look up only the rows that match (docs/troubleshooter.md, "What one diagnosis reads").
        builder.HasIndex(e => new { e.OrganizationId, e.OccurredAt, e.Succeeded, e.ReasonCode });
        builder.HasIndex(e => e.OccurredAt);
        builder.HasIndex(e => new { e.ClientIp, e.OccurredAt });
        builder.Property(e => e.TraceId).HasMaxLength(64);
        builder.Property(e => e.Identifier).HasMaxLength(SignInEvent.MaxIdentifierLength);
        builder.Property(e => e.IdentifierKind).HasMaxLength(16);
        builder.Property(e => e.Method).HasConversion<string>().HasMaxLength(24);
        builder.Property(e => e.ReasonCode).HasMaxLength(64);
        builder.Property(e => e.ShownReasonCode).HasMaxLength(64);
        builder.Property(e => e.Detail).HasMaxLength(1000);
        builder.Property(e => e.ClientIp).HasMaxLength(64);
        builder.Property(e => e.UserAgent).HasMaxLength(SignInEvent.MaxUserAgentLength);
        builder.Property(e => e.Browser).HasMaxLength(32);
        builder.Property(e => e.BrowserVersion).HasMaxLength(32);
        builder.Property(e => e.OperatingSystem).HasMaxLength(32);
        builder.Property(e => e.ClientHints).HasMaxLength(512);
        builder.Property(e => e.NetworkLabel).HasMaxLength(64);
        builder.Property(e => e.SsoConnectionId).HasMaxLength(64);
    }
}

internal sealed class LockoutCounterConfiguration : IEntityTypeConfiguration<LockoutCounter>
{
    public void Configure(EntityTypeBuilder<LockoutCounter> builder)
    {
        builder.HasKey(c => new { c.AccountId, c.DeviceKey });
        builder.Property(c => c.DeviceKey).HasMaxLength(64);
    }
}

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(64);
        builder.HasIndex(s => s.AccountId);
        builder.Property(s => s.RevokedReason).HasMaxLength(64);
        builder.Property(s => s.ClientIp).HasMaxLength(64);
        builder.Property(s => s.UserAgent).HasMaxLength(SignInEvent.MaxUserAgentLength);
        builder.Property(s => s.Browser).HasMaxLength(96);
        builder.Property(s => s.TraceId).HasMaxLength(64);
        builder.PrimitiveCollection(s => s.AdmittedFor);
    }
}

internal sealed class ActionTokenConfiguration : IEntityTypeConfiguration<ActionToken>
{
    public void Configure(EntityTypeBuilder<ActionToken> builder)
    {
        builder.HasKey(t => t.Id);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.AccountId);
        builder.Property(t => t.TokenHash).HasMaxLength(64);
        builder.Property(t => t.Purpose).HasConversion<string>().HasMaxLength(24);
    }
}

internal sealed class PasswordHistoryConfiguration : IEntityTypeConfiguration<PasswordHistoryEntry>
{
    public void Configure(EntityTypeBuilder<PasswordHistoryEntry> builder)
    {
        builder.ToTable("PasswordHistory");
        builder.HasKey(h => h.Id);
        builder.HasIndex(h => new { h.AccountId, h.Id });
        builder.Property(h => h.PasswordHash).HasMaxLength(512);
        builder.HasOne<Account>().WithMany().HasForeignKey(h => h.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.HasKey(e => e.Sequence);
        builder.Property(e => e.Sequence).ValueGeneratedNever();
        builder.HasIndex(e => new { e.TargetType, e.TargetId });
        builder.HasIndex(e => e.OrganizationId);
        builder.Property(e => e.Actor).HasMaxLength(200);
        builder.Property(e => e.Action).HasMaxLength(64);
        builder.Property(e => e.TargetType).HasMaxLength(32);
        builder.Property(e => e.TargetId).HasMaxLength(64);
        builder.Property(e => e.ClientIp).HasMaxLength(64);
        builder.Property(e => e.TraceId).HasMaxLength(32);
        builder.Property(e => e.PreviousHash).HasMaxLength(64);
        builder.Property(e => e.Hash).HasMaxLength(64);
    }
}

internal sealed class LeaseConfiguration : IEntityTypeConfiguration<Lease>
{
    public void Configure(EntityTypeBuilder<Lease> builder)
    {
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(64);
        builder.Property(l => l.Holder).HasMaxLength(128);
    }
}

internal sealed class RateCounterConfiguration : IEntityTypeConfiguration<Stores.RateCounter>
{
    public void Configure(EntityTypeBuilder<Stores.RateCounter> builder)
    {
        builder.HasKey(c => new { c.Key, c.Window });
        builder.Property(c => c.Key).HasMaxLength(128);
        builder.HasIndex(c => c.Window);
    }
}

internal sealed class SecretKeyConfiguration : IEntityTypeConfiguration<SecretKey>
{
    public void Configure(EntityTypeBuilder<SecretKey> builder)
    {
        builder.HasKey(k => k.Purpose);
        builder.Property(k => k.Purpose).HasMaxLength(64);
    }
}
