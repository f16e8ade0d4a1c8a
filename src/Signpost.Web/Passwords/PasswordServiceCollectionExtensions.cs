using System.Net;
using Microsoft.Extensions.Options;
using Signpost.Core.Passwords;

namespace Signpost.Web.Passwords;

public static class PasswordServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PasswordPolicy"/> (a singleton) with its settings under <c>Signpost:Passwords</c>,
    /// checked at start, and the breached-password check: <see cref="PwnedPasswordsClient"/> when
    /// <c>Signpost:Passwords:BreachCheck:Enabled</c> is true, otherwise one that asks no one.
    /// </summary>
    public static IServiceCollection AddSignpostPasswordPolicy(this IServiceCollection services)
    {
        services.AddOptions<PasswordPolicyOptions>()
            .BindConfiguration(PasswordPolicyOptions.Section)
            .Validate(o => o.ContextWords.All(w => !string.IsNullOrWhiteSpace(w)),
                "Signpost:Passwords:ContextWords must not contain empty entries.")
            .Validate(o => Uri.TryCreate(o.BreachCheck.BaseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp),
                "Signpost:Passwords:BreachCheck:BaseUrl must be an absolute http(s) address, such as https://api.pwnedpasswords.com.")
            .Validate(o => o.BreachCheck.TimeoutSeconds is >= 1 and <= BreachCheckOptions.MaxTimeoutSeconds,
                $"Signpost:Passwords:BreachCheck:TimeoutSeconds must be between 1 and {BreachCheckOptions.MaxTimeoutSeconds}.")
            .ValidateOnStart();

        // The policy is a singleton, so it holds one client for the life of the process: the pooled
        // connections are recycled instead (PooledConnectionLifetime) to follow DNS changes, and the
        // factory must not rotate the handler under it.
        services.AddHttpClient<PwnedPasswordsClient>((sp, client) =>
            {
                var breach = sp.GetRequiredService<IOptions<PasswordPolicyOptions>>().Value.BreachCheck;
                client.Timeout = TimeSpan.FromSeconds(breach.TimeoutSeconds + 1); // a backstop; the client's own deadline comes first
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Signpost-password-check");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                ConnectTimeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<PasswordPolicyOptions>>().Value.BreachCheck.TimeoutSeconds),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        services.AddSingleton<IBreachedPasswordCheck>(sp => sp.GetRequiredService<IOptions<PasswordPolicyOptions>>().Value.BreachCheck.Enabled
            ? sp.GetRequiredService<PwnedPasswordsClient>()
            : NoBreachedPasswordCheck.Instance);
        services.AddSingleton<PasswordPolicy>();
        return services;
    }
}
