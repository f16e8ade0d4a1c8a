using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MimeKit;

namespace Signpost.Web.Tests.Email;

/// <summary>One message as the SMTP server received it: the envelope (MAIL FROM, RCPT TO) and the parsed message.</summary>
public sealed record ReceivedMail(string? From, IReadOnlyList<string> To, MimeMessage Message)
{
    public string Subject => Message.Subject ?? "";

    public string Text => Message.TextBody ?? "";
}

/// <summary>
/// A real SMTP server for a test: tests/tools/smtp-sink (npm's smtp-server) run by Node.js on 127.0.0.1,
/// writing each message it accepts to its own temp folder. Stopped, it refuses connections like any
/// server that is down; it also exits by itself when this process ends (its standard input closes).
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;

    private SmtpSink(Process process, int port, string folder)
    {
        _process = process;
        Port = port;
        Folder = folder;
    }

    public int Port { get; }

    public string Folder { get; }

    /// <summary>
    /// Starts the server on <paramref name="port"/> (0: any free port) and waits until it accepts connections.
    /// With <paramref name="delay"/> it answers each message only after that long, like a slow remote relay;
    /// mail to <paramref name="refuse"/> it refuses with 550, like a server that knows no such mailbox.
    /// </summary>
    public static async Task<SmtpSink> StartAsync(int port = 0, TimeSpan? delay = null, string? refuse = null)
    {
        var script = Script();
        var folder = Path.Combine(Path.GetTempPath(), "signpost-smtp-sink", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(folder);
        start.ArgumentList.Add("--exit-with-stdin");
        if (delay is { } wait)
        {
            start.ArgumentList.Add($"--delay-ms={(int)wait.TotalMilliseconds}");
        }

        if (refuse is not null)
        {
            start.ArgumentList.Add($"--refuse={refuse}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            line = null;
        }

        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            var error = process.HasExited ? await process.StandardError.ReadToEndAsync() : "no answer within 20 seconds";
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw new InvalidOperationException($"The SMTP sink did not start on port {port}: {error}");
        }

        return new SmtpSink(process, int.Parse(line["listening ".Length..], CultureInfo.InvariantCulture), folder);
    }

    /// <summary>A port nothing listens on right now (for "the mail server is down").</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Every message received so far, oldest first.</summary>
    public IReadOnlyList<ReceivedMail> Received()
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        return Directory.GetFiles(Folder, "*.eml").Order(StringComparer.Ordinal).Select(Read).ToList();
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived; fails the test after the timeout.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var received = Received();
            if (received.Count >= count)
            {
                return received;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} message(s) at the SMTP sink, got {received.Count}.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static ReceivedMail Read(string emlPath)
    {
        using var envelope = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(emlPath, ".json")));
        var root = envelope.RootElement;
        return new ReceivedMail(
            root.GetProperty("from").GetString(),
            [.. root.GetProperty("to").EnumerateArray().Select(e => e.GetString()!)],
            MimeMessage.Load(emlPath));
    }

    private static string Script()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Signpost.slnx")))
        {
            dir = dir.Parent;
        }

        var tool = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Signpost.slnx not found above the test folder."), "tests", "tools", "smtp-sink");
        if (!Directory.Exists(Path.Combine(tool, "node_modules", "smtp-server")))
        {
            throw new InvalidOperationException($"{tool}/node_modules is missing: run `npm ci --prefix tests/tools/smtp-sink` (scripts/test does).");
        }

        return Path.Combine(tool, "smtp-sink.js");
    }
}
