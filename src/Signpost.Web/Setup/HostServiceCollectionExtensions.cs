using Signpost.Data;
using Signpost.Web.Infrastructure;
using Signpost.Web.Queries;

namespace Signpost.Web.Setup;

public static class HostServiceCollectionExtensions
{
    /// <summary>
    /// What every part of the host stands on: Signpost's settings (checked at start), the clock, the demo
    /// switch, first run and the demo practice, the leases that keep a job to one node at a time, and the
    /// moment the jobs start (after the first answer, <see cref="JobStart"/>).
    /// </summary>
    public static IServiceCollection AddSignpostHost(this IServiceCollection services, bool demo)
    {
        services.AddOptions<SignpostOptions>().BindConfiguration(SignpostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new DemoMode(demo));
        services.AddScoped<Bootstrap>();
        services.AddSingleton<FirstRunCheck>();
        services.AddSingleton<JobLeases>();
        services.AddSingleton<JobStart>();
        services.AddSingleton<IStartupFilter, JobStart.FirstAnswerFilter>();
        return services;
    }

    /// <summary>The configured database (SQLite or PostgreSQL, see <see cref="DatabaseSetup"/>), its context, the stores over it and the screens' read-only queries.</summary>
    public static IServiceCollection AddSignpostDatabase(this IServiceCollection services, DatabaseSetup database)
    {
        services.AddSingleton(database);
        // The options are built once per process, not once per request: they depend on nothing scoped, and a signed-in
        // page whose session comes from the node's copy would otherwise spend a tenth of its CPU rebuilding them
        // (docs/capacity.md, "A signed-in page").
        services.AddDbContext<SignpostDbContext>((provider, options) =>
        {
            database.Configure(options);

            // Every write to what the session cache holds empties it (docs/security.md, "How soon an ended session stops working").
            if (provider.GetService<SessionCacheWrites>() is { } writes)
            {
                options.AddInterceptors(writes.Interceptors);
            }
        }, optionsLifetime: ServiceLifetime.Singleton);
        services.AddSignpostStores();
        services.AddSignpostQueries();
        return services;
    }

    /// <summary>
    /// The daily deletion of sign-in events past the retention period (<see cref="EventRetention"/>), and on
    /// PostgreSQL the monthly partitions it drops, made ahead by <see cref="EventPartitionJob"/>.
    /// </summary>
    public static IServiceCollection AddSignpostEventRetention(this IServiceCollection services)
    {
        services.AddScoped<Signpost.Data.Postgres.PostgresEventPartitions>();
        services.AddSingleton<EventPartitionJob>();
        services.AddHostedService(sp => sp.GetRequiredService<EventPartitionJob>());
        return services.AddHostedService<EventRetention>();
    }
}
