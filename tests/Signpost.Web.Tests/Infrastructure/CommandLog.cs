using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Signpost.Web.Tests.Infrastructure;

/// <summary>One SQL statement EF Core ran, with the transaction it ran in (null when it ran on its own).</summary>
public sealed record LoggedCommand(string Text, DbTransaction? Transaction);

/// <summary>
/// The SQL EF Core runs against one database file while the log is open, read from EF Core's own command events
/// (docs/capacity.md counts statements this way).
/// </summary>
public sealed class CommandLog : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly string _database;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly List<LoggedCommand> _commands = [];

    public CommandLog(string database)
    {
        _database = database;
        _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    public IReadOnlyList<LoggedCommand> Commands
    {
        get
        {
            lock (_commands)
            {
                return [.. _commands];
            }
        }
    }

    public IReadOnlyList<string> Statements => Commands.Select(c => c.Text).ToList();

    /// <summary>Every statement, numbered, for an assertion's message.</summary>
    public string Describe() => string.Join("\n---\n", Commands.Select((c, i) => $"{i + 1}.{(c.Transaction is null ? "" : " [in a transaction]")} {c.Text}"));

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(listener.Subscribe(this, name => name == RelationalEventId.CommandExecuted.Name));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Value is CommandExecutedEventData executed
            && executed.Command.Connection?.ConnectionString.Contains(_database, StringComparison.Ordinal) == true)
        {
            lock (_commands)
            {
                _commands.Add(new LoggedCommand(executed.Command.CommandText, executed.Command.Transaction));
            }
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }
}
