using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Devices;
using Signpost.Core.Documents;
using Signpost.Core.Escalation;
using Signpost.Core.Events;
using Signpost.Core.Incidents;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Notifications;
using Signpost.Core.Audit;
using Signpost.Core.CredentialAudits;
using Signpost.Core.Passwords;
using Signpost.Core.Scheduling;
using Signpost.Core.Sessions;
using Signpost.Core.SingleSignOn;
using Signpost.Core.Tokens;
using Signpost.Core.Troubleshooting;
using Signpost.Data.Stores;

namespace Signpost.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers the stores over <see cref="SignpostDbContext"/>; the provider is registered by its own project.</summary>
    public static IServiceCollection AddSignpostStores(this IServiceCollection services)
    {
        services.AddScoped<AccountStore>();
        services.AddScoped<IAccountStore>(sp => sp.GetRequiredService<AccountStore>());
        services.AddScoped<IOrganizationStore>(sp => sp.GetRequiredService<AccountStore>());
        services.AddScoped<IAccountHoldStore, AccountHoldStore>();
        services.AddScoped<IInvitationStore, InvitationStore>();
        services.AddScoped<ILockoutStore, LockoutStore>();
        services.AddScoped<SecretKeyStore>();
        services.AddScoped<Core.Mfa.ISecondFactorStore, SecondFactorStore>();
        services.AddSingleton<Core.Mfa.ISecondFactorSecrets, SecondFactorSecrets>();
        services.AddScoped<ISignInEventStore, SignInEventStore>();
        services.AddScoped<IWriteTransactions, WriteTransactions>();
        services.AddScoped<ISessionStore, SessionStore>();
        services.AddScoped<IActionTokenStore, ActionTokenStore>();
        services.AddScoped<IPasswordHistoryStore, PasswordHistoryStore>();
        services.AddScoped<ILeaseStore, LeaseStore>();
        services.AddScoped<IAuditStore, AuditStore>();
        services.AddScoped<IAuditCheckpointStore, AuditCheckpointStore>();
        services.AddScoped<IRateCounterStore, RateCounterStore>();
        services.AddScoped<IMaintenanceStore, MaintenanceStore>();
        services.AddScoped<INotificationLog, NotificationLog>();
        services.AddScoped<IPracticeAdminDirectory, PracticeAdminDirectory>();
        services.AddScoped<ISiteDocumentStore, SiteDocumentStore>();
        services.AddScoped<IncidentStore>();
        services.AddScoped<IIncidentStore>(sp => sp.GetRequiredService<IncidentStore>());
        services.AddScoped<IEscalationReader>(sp => sp.GetRequiredService<IncidentStore>());
        services.AddScoped<IWebhookDeliveryStore, WebhookDeliveryStore>();
        services.AddScoped<IWebhookSecretStore, WebhookSecretStore>();
        services.AddScoped<ISsoPolicy, SsoPolicy>();
        services.AddScoped<ISsoLinkStore, SsoLinkStore>();
        services.AddScoped<ISsoHealthStore, SsoHealthStore>();
        services.AddScoped<ISsoConnectionStore, SsoConnectionStore>();
        services.AddScoped<Core.SingleSignOn.Saml.ISamlReplayCache, SamlReplayCache>();
        services.AddScoped<Core.Administration.IPlatformStore, PlatformStore>();
        services.AddScoped<Core.Administration.IPracticeMemberStore, PracticeMemberStore>();
        services.AddScoped<Core.Email.IOutboxStore, OutboxStore>();
        services.AddSingleton<IDeviceKeyProvider, DeviceKeyProvider>();
        services.AddSingleton<Search.SearchTermFrequencies>();
        services.AddScoped<IPasswordExpiryDirectory, PasswordExpiryDirectory>();
        services.AddScoped<Core.OpenIdProvider.IProviderKeyStore, ProviderKeyStore>();
        services.AddScoped<Core.OpenIdProvider.ISessionClientStore, SessionClientStore>();
        services.AddScoped<ICredentialAuditFacts, CredentialAuditFactsReader>();
        // The troubleshooter's facts read the browser matrix from options; the host binds it, a bare container gets the defaults.
        services.AddOptions();
        services.AddScoped<ITroubleshootingFacts, DatabaseTroubleshootingFacts>();
        return services;
    }

    /// <summary>OpenIddict's stores (clients, authorizations, scopes, tokens) in Signpost's own database (docs/oidc-provider.md).</summary>
    public static OpenIddictCoreBuilder UseSignpostDatabase(this OpenIddictCoreBuilder core)
    {
        core.UseEntityFrameworkCore().UseDbContext<SignpostDbContext>();
        return core;
    }
}
