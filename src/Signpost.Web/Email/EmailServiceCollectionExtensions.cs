using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Signpost.Core.Email;

namespace Signpost.Web.Email;

public static class EmailServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IEmailSender"/>: MailKit SMTP when <c>Signpost:Email:Host</c> is set, otherwise the
    /// pickup folder (default <c>mail</c> beside the SQLite database). Settings are checked at start.
    /// </summary>
    public static IServiceCollection AddSignpostEmail(this IServiceCollection services, string connectionString)
    {
        services.AddOptions<EmailOptions>()
            .BindConfiguration(EmailOptions.Section)
            .PostConfigure(o => o.PickupDirectory = string.IsNullOrWhiteSpace(o.PickupDirectory) ? DefaultPickupDirectory(connectionString) : o.PickupDirectory.Trim())
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        services.AddSingleton<SmtpEmailSender>();
        services.AddSingleton<PickupEmailSender>();
        services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<IOptions<EmailOptions>>().Value.UsesSmtp
            ? sp.GetRequiredService<SmtpEmailSender>()
            : sp.GetRequiredService<PickupEmailSender>());
        return services;
    }

    /// <summary>The <c>mail</c> folder beside the database file, so one folder holds everything a local run made.</summary>
    public static string DefaultPickupDirectory(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(file) || file == ":memory:" || file.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            file = "signpost.db";
        }

        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, "mail");
    }
}
