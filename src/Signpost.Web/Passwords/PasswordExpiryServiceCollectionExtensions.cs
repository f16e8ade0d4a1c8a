using Microsoft.Extensions.DependencyInjection.Extensions;
using Signpost.Core.Notifications;
using Signpost.Core.Passwords;

namespace Signpost.Web.Passwords;

public static class PasswordExpiryServiceCollectionExtensions
{
    /// <summary>Registers expiry reminders (and their background job) and operators' expiry extensions.</summary>
    public static IServiceCollection AddPasswordExpiryReminders(this IServiceCollection services)
    {
        services.AddOptions<ExpiryReminderOptions>().BindConfiguration(ExpiryReminderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddScoped<OnceOnlySender>();
        services.AddScoped<PasswordExpiryReminders>();
        services.AddScoped<PasswordExpiryExtensions>();
        services.AddSingleton<PasswordExpiryReminderJob>();
        services.AddHostedService(sp => sp.GetRequiredService<PasswordExpiryReminderJob>());
        return services;
    }
}
