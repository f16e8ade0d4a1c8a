using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Signpost.Web.Tests.Email;

namespace Signpost.Web.Tests.Cli;

/// <summary>
/// <c>signpost serve</c> without <c>--demo</c> runs its first-run check beside Kestrel's start rather than before
/// it listens (docs/cli.md, "What a start costs"): a new database still gets its platform administrator's
/// one-time link printed, the link opens while the node serves, and a restart after activation prints none.
/// </summary>
public sealed partial class ServeFirstRunTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("signpost-serve-first-run-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Serve_NewDatabase_PrintsTheAdminLinkThatOpens_AndARestartAfterActivationPrintsNone()
    {
        // Arrange
        var path = Path.Combine(_folder, "first.db");

        // Act: the first start on a new file.
        string link;
        await using (var first = await ServeAsync(path))
        {
            var output = await first.WaitForAsync(o => ActivationLink().IsMatch(o.Stdout), "the activation link");
            link = ActivationLink().Match(output.Stdout).Groups["path"].Value;

            // Assert: the link is the pending admin's, and it opens on the node that printed it.
            using var page = await first.Http.GetAsync(new Uri(first.Url + link));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("Activate your account", html, StringComparison.Ordinal);
            Assert.Contains("name=\"newPassword\"", html, StringComparison.Ordinal);
        }

        Assert.Equal(("PendingActivation", (long)1), await AdminAsync(path));

        // Act: the operator used the link (done here in the file), then the node restarts.
        await ExecuteAsync(path, "UPDATE Accounts SET Status = 'Active', PasswordChangedAt = 0 WHERE Username = 'admin'");
        await using var restart = await ServeAsync(path, trace: true);
        var after = await restart.WaitForAsync(o => o.Stderr.Contains("bootstrap checked", StringComparison.Ordinal), "the first-run check");

        // Assert: nothing to print, no second admin, and the node answers.
        Assert.DoesNotContain("No platform administrator", after.Stdout, StringComparison.Ordinal);
        Assert.Equal(("Active", (long)1), await AdminAsync(path));
        using var signIn = await restart.Http.GetAsync(new Uri(restart.Url + "/sign-in"));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
    }

    private static async Task<(string Status, long Count)> AdminAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(Status), COUNT(*) FROM Accounts WHERE (PlatformRoles & 2) = 2";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.GetInt64(1));
    }

    private static async Task ExecuteAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>Starts <c>signpost serve</c> on the file and returns once <c>/sign-in</c> answers 200.</summary>
    private async Task<Served> ServeAsync(string path, bool trace = false)
    {
        var url = $"http://127.0.0.1:{SmtpSink.FreePort()}";
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "signpost.dll"), "serve", "--urls", url })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__Signpost"] = $"Data Source={path}";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Signpost__DataProtection__AllowUnprotectedKeys"] = "true";
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        if (trace)
        {
            start.Environment["SIGNPOST_STARTUP_TRACE"] = "1";
        }
        else
        {
            start.Environment.Remove("SIGNPOST_STARTUP_TRACE");
        }

        var served = new Served(Process.Start(start) ?? throw new InvalidOperationException("signpost did not start."), url);
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline && !served.Exited)
        {
            try
            {
                using var response = await served.Http.GetAsync(new Uri(url + "/sign-in"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return served;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        var output = served.Output;
        await served.DisposeAsync();
        throw new InvalidOperationException($"signpost serve never answered /sign-in with 200:\n{output.Stdout}\n{output.Stderr}");
    }

    private sealed class Served : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();

        public Served(Process process, string url)
        {
            _process = process;
            Url = url;
            process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
            process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Url { get; }

        public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

        public (string Stdout, string Stderr) Output
        {
            get
            {
                lock (_stdout)
                {
                    return (_stdout.ToString(), _stderr.ToString());
                }
            }
        }

        public bool Exited => _process.HasExited;

        /// <summary>Polls until <paramref name="done"/> holds for what the process printed so far.</summary>
        public async Task<(string Stdout, string Stderr)> WaitForAsync(Func<(string Stdout, string Stderr), bool> done, string what)
        {
            var deadline = DateTime.UtcNow + StartTimeout;
            while (DateTime.UtcNow < deadline && !Exited)
            {
                var output = Output;
                if (done(output))
                {
                    return output;
                }

                await Task.Delay(50);
            }

            var last = Output;
            throw new InvalidOperationException($"signpost serve: no {what} (exited {_process.HasExited}):\n{last.Stdout}\n{last.Stderr}");
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
            _process.Dispose();
        }

        private void Append(StringBuilder to, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_stdout)
            {
                to.Append(line).Append('\n');
            }
        }
    }

    [GeneratedRegex(@"No platform administrator has a password yet[^\n]*\n\s*https?://[^/\s]+(?<path>/activate\?token=[A-Za-z0-9_\-]+)")]
    private static partial Regex ActivationLink();
}
