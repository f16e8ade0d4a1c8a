using Microsoft.AspNetCore.Authentication;
using Signpost.Core.Browsers;
using Signpost.Core.Devices;
using Signpost.Core.Events;
using Signpost.Core.Passwords;
using Signpost.Core.Sessions;
using Signpost.Core.SignIn;
using Signpost.Core.Tokens;
using Signpost.Web.Infrastructure;
using Signpost.Web.Passwords;

namespace Signpost.Web.SignIn;

public static class SignInServiceCollectionExtensions
{
    /// <summary>
    /// Password sign-in and what it stands on: hashing and the password policy, browser support, device
    /// cookies, sessions and the session cookie's authentication scheme, the sign-in event, activation and
    /// the one-time links, the password-change ticket and the traces held for the "can't sign in" page.
    /// </summary>
    public static IServiceCollection AddSignpostSignIn(this IServiceCollection services)
    {
        services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section)
            .Validate(o => o.Iterations >= PasswordHashingOptions.MinimumIterations,
                $"Signpost:PasswordHashing:Iterations must be at least {PasswordHashingOptions.MinimumIterations} (OWASP, PBKDF2-HMAC-SHA512).")
            .ValidateOnStart();
        services.AddOptions<BrowserSupportOptions>().BindConfiguration(BrowserSupportOptions.Section)
            .PostConfigure<TimeProvider>((o, time) => o.Clock = time)
            .Validate(o => o.MinimumVersions.Count > 0 || o.Releases.Count > 0, "Signpost:Browsers must name at least one browser family under MinimumVersions or Releases.")
            .Validate(o => o.LatestReleases is >= 1 and <= 10, "Signpost:Browsers:LatestReleases must be between 1 and 10.")
            .ValidateOnStart();

        services.AddSingleton<PasswordHashing>();
        services.AddOptions<HashAdmissionOptions>().BindConfiguration(HashAdmissionOptions.Section)
            .Validate(o => o.Concurrency >= 0 && o.UntrustedQueue >= 0 && o.TrustedReserve >= -1 && o.RetryAfterSeconds is >= 1 and <= 3600
                    && o.RefusalEventLingerMilliseconds is >= 0 and <= 60_000 && o.RefusalEventQueue >= 1 && o.UntrustedHashNice is >= 0 and <= 19,
                "Signpost:HashAdmission: Concurrency and UntrustedQueue must be 0 (automatic) or more, TrustedReserve -1 (automatic) or more, RetryAfterSeconds between 1 and 3600, RefusalEventLingerMilliseconds between 0 and 60000, RefusalEventQueue 1 or more, UntrustedHashNice between 0 and 19.")
            .ValidateOnStart();
        services.AddSingleton<HashAdmission>();
        services.AddSignpostPasswordPolicy();
        services.AddSingleton<DeviceCookies>();
        services.AddSingleton<RememberedBrowsers>();
        services.AddScoped<Core.Mfa.SecondFactorCheck>();
        services.AddSingleton<Mfa.SecondFactorChallengeTokens>();
        services.AddScoped<Core.Mfa.SecondFactorEnrolment>();
        services.AddScoped<Mfa.PasskeyCeremonies>();
        services.AddScoped<Core.Mfa.IPasskeyVerifier>(provider => provider.GetRequiredService<Mfa.PasskeyCeremonies>());
        // One copy of validated sessions per node, read again after Signpost:SessionCacheSeconds (docs/security.md).
        services.AddSingleton(sp => new SessionCache(
            sp.GetRequiredService<TimeProvider>(),
            TimeSpan.FromSeconds(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SignpostOptions>>().Value.SessionCacheSeconds)));
        services.AddSingleton<Data.SessionCacheWrites>();
        services.AddScoped<SessionManager>();
        services.AddScoped<SignInEventRecorder>();
        // A flood's rate_limited events share write transactions; flushed on a graceful stop (docs/capacity.md).
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<HashAdmissionOptions>>().Value;
            var batch = new RefusalEventBatch(sp.GetRequiredService<IServiceScopeFactory>(),
                TimeSpan.FromMilliseconds(options.RefusalEventLingerMilliseconds), options.RefusalEventQueue);
            sp.GetService<Core.Telemetry.SignpostMetrics>()?.ObserveRefusalEvents(batch);
            return batch;
        });
        services.AddHostedService<RateLimitingEventFlush>();
        services.AddScoped<SignInGate>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<ActivationService>();
        services.AddScoped<LinkTokens>();
        services.AddSingleton<PasswordChangeTickets>();
        services.AddSingleton<HeldTraces>();

        services.AddAuthentication(SessionAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthentication>(SessionAuthentication.SchemeName, null);
        return services;
    }
}
