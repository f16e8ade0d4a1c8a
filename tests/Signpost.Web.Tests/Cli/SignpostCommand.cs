using System.Text;
using Signpost.Web.Cli;

namespace Signpost.Web.Tests.Cli;

/// <summary>
/// Runs a <c>signpost</c> command in this process: the same entry the executable's <c>Main</c> calls
/// (<see cref="SignpostCli.RunAsync"/>) with the same arguments, so the same parsing, host, database work and
/// exit code, without paying a .NET start per command (docs/testing.md, "The command line in tests").
/// </summary>
/// <remarks>
/// What a child process gets from its environment is given here as configuration arguments instead, which
/// the host reads ahead of environment variables: the database (<c>--ConnectionStrings:Signpost</c>), the
/// Production environment (<c>--environment</c>) and <c>AllowUnprotectedKeys</c>; and the application's name
/// (<c>--applicationName</c>), which a process takes from its entry assembly. Nothing process-wide is
/// changed: standard output, error and input are routed per run (<see cref="ConsoleRouting"/>), so commands
/// run beside other test classes. What only a real process can show — an exit code reaching the shell,
/// <c>serve</c> listening, environment variables losing to the command line — stays with
/// <see cref="SignpostProcess"/>.
/// </remarks>
public static class SignpostCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static Task<CliRun> RunAsync(string connectionString, string workingDirectory, string? stdin, params string[] args) =>
        RunWithEnvironmentAsync(connectionString, workingDirectory, stdin, new Dictionary<string, string?>(), args);

    /// <summary>
    /// Runs with extra settings written as environment variables (<c>Section__Key</c>), as
    /// <see cref="SignpostProcess"/> takes them; a null value leaves the setting out (this process must not have
    /// it in its own environment). <paramref name="workingDirectory"/> is not changed to — the current directory
    /// is the whole process's — so paths in <paramref name="args"/> must be absolute.
    /// </summary>
    public static async Task<CliRun> RunWithEnvironmentAsync(string connectionString, string workingDirectory, string? stdin, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        ArgumentException.ThrowIfNullOrEmpty(workingDirectory);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings__Signpost"] = connectionString,
            ["Signpost__DataProtection__AllowUnprotectedKeys"] = "true",
        };
        foreach (var (key, value) in environment)
        {
            settings[key] = value;
        }

        // The settings go first: a setting the test writes on the command line is later and wins, as it does over
        // the environment in a child process.
        // The application is the executable's, not the test assembly's: its name finds its static assets manifest.
        var arguments = new List<string> { "--environment=Production", $"--applicationName={typeof(SignpostCli).Assembly.GetName().Name}" };
        foreach (var (key, value) in settings)
        {
            if (value is null)
            {
                Assert.True(Environment.GetEnvironmentVariable(key) is null, $"{key} is set in the test process's own environment; an in-process command cannot take it away.");
                continue;
            }

            arguments.Add($"--{key.Replace("__", ":", StringComparison.Ordinal)}={value}");
        }

        arguments.AddRange(args);

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        // The token asks a command that outlives the deadline (a serve that should have refused, say) to stop; the
        // test fails either way.
        using var stop = new CancellationTokenSource(Timeout);
        var exitCode = await ConsoleRouting.RunAsync(stdout, stderr, new StringReader(stdin is null ? "" : stdin + "\n"), async () =>
        {
            try
            {
                return await SignpostCli.RunAsync([.. arguments], stop.Token).WaitAsync(Timeout + TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && stop.IsCancellationRequested))
            {
                throw new TimeoutException($"signpost {string.Join(' ', args)} did not finish within {Timeout.TotalSeconds} s.", ex);
            }
        });

        return new CliRun(exitCode, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }
}

/// <summary>
/// Standard output, error and input per asynchronous flow: installed once in place of <see cref="Console"/>'s
/// own, each falls through to the original unless the code runs inside <see cref="RunAsync"/>, whose writers and
/// reader then take it — including threads the command starts, such as the console logger's, which inherit
/// the flow.
/// </summary>
public static class ConsoleRouting
{
    private static readonly AsyncLocal<Streams?> Current = new();
    private static readonly Lock Gate = new();
    private static bool _installed;

    public static async Task<T> RunAsync<T>(TextWriter stdout, TextWriter stderr, TextReader stdin, Func<Task<T>> action)
    {
        Install();
        var previous = Current.Value;
        Current.Value = new Streams(TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), TextReader.Synchronized(stdin));
        try
        {
            return await action();
        }
        finally
        {
            Current.Value = previous;
        }
    }

    private static void Install()
    {
        lock (Gate)
        {
            if (_installed)
            {
                return;
            }

            var output = Console.Out;
            var error = Console.Error;
            var input = Console.In;
            Console.SetOut(new RoutedWriter(() => Current.Value?.Out ?? output));
            Console.SetError(new RoutedWriter(() => Current.Value?.Error ?? error));
            Console.SetIn(new RoutedReader(() => Current.Value?.In ?? input));
            _installed = true;
        }
    }

    private sealed record Streams(TextWriter Out, TextWriter Error, TextReader In);

    private sealed class RoutedWriter(Func<TextWriter> target) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => target().Write(value);

        public override void Write(string? value) => target().Write(value);

        public override void Write(char[] buffer, int index, int count) => target().Write(buffer, index, count);

        public override void Write(ReadOnlySpan<char> buffer) => target().Write(buffer);

        public override void WriteLine() => target().WriteLine();

        public override void WriteLine(string? value) => target().WriteLine(value);

        public override void WriteLine(ReadOnlySpan<char> buffer) => target().WriteLine(buffer);

        public override Task WriteAsync(char value) => target().WriteAsync(value);

        public override Task WriteAsync(string? value) => target().WriteAsync(value);

        public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) => target().WriteAsync(buffer, cancellationToken);

        public override Task WriteLineAsync() => target().WriteLineAsync();

        public override Task WriteLineAsync(string? value) => target().WriteLineAsync(value);

        public override Task WriteLineAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) => target().WriteLineAsync(buffer, cancellationToken);

        public override void Flush() => target().Flush();

        public override Task FlushAsync() => target().FlushAsync();
    }

    private sealed class RoutedReader(Func<TextReader> source) : TextReader
    {
        public override int Peek() => source().Peek();

        public override int Read() => source().Read();

        public override int Read(char[] buffer, int index, int count) => source().Read(buffer, index, count);

        public override string? ReadLine() => source().ReadLine();

        public override Task<string?> ReadLineAsync() => source().ReadLineAsync();

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => source().ReadLineAsync(cancellationToken);

        public override string ReadToEnd() => source().ReadToEnd();

        public override Task<string> ReadToEndAsync() => source().ReadToEndAsync();
    }
}
