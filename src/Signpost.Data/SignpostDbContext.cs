using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Documents;
using Signpost.Core.Escalation;
using Signpost.Core.Events;
using Signpost.Core.Incidents;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Signpost.Core.Audit;
using Signpost.Core.Passwords;
using Signpost.Core.Scheduling;
using Signpost.Core.Sessions;
using Signpost.Core.SingleSignOn;
using Signpost.Core.Tokens;

namespace Signpost.Data;

/// <summary>The one DbContext; each entity's mapping lives in its own configuration class.</summary>
public sealed class SignpostDbContext(DbContextOptions<SignpostDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<SignInEvent> SignInEvents => Set<SignInEvent>();
    public DbSet<LockoutCounter> LockoutCounters => Set<LockoutCounter>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<ActionToken> ActionTokens => Set<ActionToken>();
    public DbSet<PasswordHistoryEntry> PasswordHistory => Set<PasswordHistoryEntry>();
    public DbSet<Lease> Leases => Set<Lease>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AuditCheckpoint> AuditCheckpoints => Set<AuditCheckpoint>();
    public DbSet<Stores.RateCounter> RateCounters => Set<Stores.RateCounter>();
    /// <summary>The ASP.NET Core Data Protection key ring, shared by every node (anti-forgery, form stamps, tickets).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<SecretKey> SecretKeys => Set<SecretKey>();
    public DbSet<MaintenanceWindow> MaintenanceWindows => Set<MaintenanceWindow>();
    public DbSet<SiteDocument> SiteDocuments => Set<SiteDocument>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<IncidentNote> IncidentNotes => Set<IncidentNote>();
    public DbSet<IncidentScreenshot> IncidentScreenshots => Set<IncidentScreenshot>();
    public DbSet<IncidentAttachment> IncidentAttachments => Set<IncidentAttachment>();
    public DbSet<EscalationFiring> EscalationFirings => Set<EscalationFiring>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();
    public DbSet<WebhookSecret> WebhookSecrets => Set<WebhookSecret>();
    public DbSet<SsoConnection> SsoConnections => Set<SsoConnection>();
    public DbSet<SsoLink> SsoLinks => Set<SsoLink>();
    public DbSet<SsoHealthRecord> SsoHealthRecords => Set<SsoHealthRecord>();
    public DbSet<Core.SingleSignOn.Saml.SamlAssertionUse> SamlAssertionUses => Set<Core.SingleSignOn.Saml.SamlAssertionUse>();
    public DbSet<Core.Email.OutboxMessage> OutboxMessages => Set<Core.Email.OutboxMessage>();
    /// <summary>The OpenID Connect provider's signing and encryption keys (docs/oidc-provider.md "Keys").</summary>
    public DbSet<Core.OpenIdProvider.ProviderKey> ProviderKeys => Set<Core.OpenIdProvider.ProviderKey>();
    /// <summary>Which portals received tokens for which session: who is owed a back-channel logout (docs/oidc-provider.md).</summary>
    public DbSet<Core.OpenIdProvider.SessionClient> SessionClients => Set<Core.OpenIdProvider.SessionClient>();
    public DbSet<Core.Mfa.TotpAuthenticator> TotpAuthenticators => Set<Core.Mfa.TotpAuthenticator>();
    public DbSet<Core.Mfa.RecoveryCode> RecoveryCodes => Set<Core.Mfa.RecoveryCode>();
    public DbSet<Core.Mfa.SecondFactorState> SecondFactorStates => Set<Core.Mfa.SecondFactorState>();
    public DbSet<Core.Mfa.Passkey> Passkeys => Set<Core.Mfa.Passkey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SignpostDbContext).Assembly);
        // The OpenID Connect provider's clients, authorizations, scopes and tokens: OpenIddict's own entities
        // and mappings, kept as the library ships them (docs/oidc-provider.md).
        modelBuilder.UseOpenIddict();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date-time type: stored as Unix milliseconds, instants compare and sort correctly.
        // Every instant Signpost writes is UTC, so no offset is lost.
        if (Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite")
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
            configurationBuilder.Properties<TimeSpan>().HaveConversion<TimeSpanMillisecondsConverter>();
        }
    }
}

/// <summary>A secret the service generates for itself on first use (the device-cookie key).</summary>
public sealed class SecretKey
{
    public required string Purpose { get; set; }
    public required byte[] Value { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
