using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Logs;

/// <summary>
/// A host configured for JSON console logs the documented way (<c>Logging:Console:FormatterName=json</c>)
/// at Information, also when run by systemd. What the console would print is captured line by line through the console's own
/// formatter and the host's own log scopes, instead of the process's standard output.
/// </summary>
public sealed class JsonLogApp : SignpostFactory
{
    public ConcurrentQueue<string> Lines { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Logging:Console:FormatterName", "json");
        builder.UseSetting("Logging:LogLevel:Default", "Information");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Information");
        builder.ConfigureTestServices(services =>
        {
            // What UseSystemd does when systemd runs the process: its formatter over configuration. The
            // formatter the operator named must still win.
            services.Configure<ConsoleLoggerOptions>(options => options.FormatterName = ConsoleFormatterNames.Systemd);
            foreach (var console in services.Where(d => d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList())
            {
                services.Remove(console);
            }

            services.AddSingleton<ILoggerProvider>(sp => new CapturedConsole(
                sp.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(), sp.GetServices<ConsoleFormatter>(), Lines));
        });
    }

    /// <summary>The console logger's job without the console: the configured formatter writes each entry with the scopes.</summary>
    private sealed class CapturedConsole(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters, ConcurrentQueue<string> lines)
        : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        private void Write<TState>(Microsoft.Extensions.Logging.Abstractions.LogEntry<TState> entry)
        {
            var console = formatters.Single(f => f.Name == options.CurrentValue.FormatterName);
            using var writer = new StringWriter();
            console.Write(entry, _scopes, writer);
            lines.Enqueue(writer.ToString());
        }

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedConsole provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                provider.Write(new Microsoft.Extensions.Logging.Abstractions.LogEntry<TState>(logLevel, category, eventId, state, exception, formatter));
        }
    }
}
