using Microsoft.Extensions.Options;
using Signpost.Core.Email;

namespace Signpost.Web.Email;

public static class EmailServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IEmailSender"/>: MailKit SMTP when <c>Signpost:Email:Host</c> is set, otherwise the
    /// pickup folder (default <c>mail</c> beside the SQLite database); the recovery emails' outbox and its
    /// mail job. Settings are checked at start.
    /// </summary>
    public static IServiceCollection AddSignpostEmail(this IServiceCollection services, string dataFolder)
    {
        services.AddOptions<EmailOptions>()
            .BindConfiguration(EmailOptions.Section)
            .PostConfigure(o => o.PickupDirectory = string.IsNullOrWhiteSpace(o.PickupDirectory) ? Path.Combine(dataFolder, "mail") : o.PickupDirectory.Trim())
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        services.AddSingleton<SmtpEmailSender>();
        services.AddSingleton<PickupEmailSender>();
        services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<IOptions<EmailOptions>>().Value.UsesSmtp
            ? new InstrumentedEmailSender(sp.GetRequiredService<SmtpEmailSender>(), "smtp", sp.GetRequiredService<Core.Telemetry.SignpostMetrics>())
            : new InstrumentedEmailSender(sp.GetRequiredService<PickupEmailSender>(), "pickup", sp.GetRequiredService<Core.Telemetry.SignpostMetrics>()));

        // Recovery email goes through the outbox, drained by the leased mail job (docs/recovery.md).
        services.AddSingleton<OutboxSignal>();
        services.AddScoped<IEmailOutbox, EmailOutbox>();
        services.AddHostedService<RecoveryMailJob>();
        return services;
    }
}
