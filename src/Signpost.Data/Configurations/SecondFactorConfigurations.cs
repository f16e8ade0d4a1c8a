using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Signpost.Core.Mfa;

namespace Signpost.Data.Configurations;

internal sealed class TotpAuthenticatorConfiguration : IEntityTypeConfiguration<TotpAuthenticator>
{
    public void Configure(EntityTypeBuilder<TotpAuthenticator> builder)
    {
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => a.AccountId);
        builder.Property(a => a.Name).HasMaxLength(TotpAuthenticator.MaxNameLength);
        builder.Property(a => a.ProtectedSecret).HasMaxLength(1024);
    }
}

internal sealed class RecoveryCodeConfiguration : IEntityTypeConfiguration<RecoveryCode>
{
    public void Configure(EntityTypeBuilder<RecoveryCode> builder)
    {
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => new { c.AccountId, c.Hash });
        builder.Property(c => c.Hash).HasMaxLength(64);
    }
}

internal sealed class SecondFactorStateConfiguration : IEntityTypeConfiguration<SecondFactorState>
{
    public void Configure(EntityTypeBuilder<SecondFactorState> builder)
    {
        builder.HasKey(s => s.AccountId);
        builder.Property(s => s.AccountId).ValueGeneratedNever();
    }
}

internal sealed class PasskeyConfiguration : IEntityTypeConfiguration<Passkey>
{
    public void Configure(EntityTypeBuilder<Passkey> builder)
    {
        builder.HasKey(p => p.Id);
        builder.HasIndex(p => p.AccountId);
        builder.HasIndex(p => p.CredentialId).IsUnique();
        builder.Property(p => p.Name).HasMaxLength(Passkey.MaxNameLength);
        builder.Property(p => p.CredentialId).HasMaxLength(Passkey.MaxCredentialIdLength);
        builder.Property(p => p.PublicKey).HasMaxLength(2048);
        builder.Property(p => p.Transports).HasMaxLength(100);
    }
}
