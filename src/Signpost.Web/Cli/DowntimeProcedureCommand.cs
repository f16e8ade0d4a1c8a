using System.CommandLine;
using System.Text;
using Microsoft.Extensions.Options;
using Signpost.Core.Documents;
using Signpost.Core.Maintenance;
using Signpost.Web.Infrastructure;
using Signpost.Web.Maintenance;

namespace Signpost.Web.Cli;

/// <summary>
/// <c>signpost maintenance procedure --file F | --show</c>: the downtime procedure practice administrators
/// read at <c>/downtime-procedure</c>. Markdown in, stored as written; what the page would sanitise away is
/// reported as a warning, so the operator sees it before a practice does.
/// </summary>
public static class DowntimeProcedureCommand
{
    public static Command Build()
    {
        var file = new Option<FileInfo?>("--file") { Description = $"Markdown file (UTF-8, at most {SiteDocument.MaxBytes / 1024} KiB) that replaces the procedure." };
        var show = new Option<bool>("--show") { Description = "Print the stored procedure's Markdown." };
        var command = new Command("procedure", "Write or show the downtime procedure practice administrators read.") { file, show };
        // --show only reads: it never migrates (docs/cli.md); --file writes, after migrating like any writer.
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var source = result.GetValue(file);
            var showing = result.GetValue(show);
            if ((source is null) == !showing)
            {
                throw new CommandRefusedException("Give either --file with the Markdown to store, or --show to print what is stored.");
            }

            var procedure = services.GetRequiredService<DowntimeProcedure>();
            if (showing)
            {
                await ShowAsync(procedure, ct2);
                return;
            }

            var decoded = DowntimeProcedure.Decode(await ReadAsync(source!, ct2), source!.Name);
            var markdown = decoded.Value ?? throw new CommandRefusedException(decoded.Message);
            var rendered = services.GetRequiredService<SafeMarkdown>().Render(markdown);
            var document = await procedure.SaveAsync(markdown, "cli", ct2).OrRefuse();
            var baseUrl = services.GetRequiredService<IOptions<SignpostOptions>>().Value.PublicBaseUrl.TrimEnd('/');
            Console.WriteLine($"Saved the downtime procedure ({Encoding.UTF8.GetByteCount(document.Markdown)} bytes). Practice administrators read it at {baseUrl}/downtime-procedure");
            if (rendered.ContainsRawHtml)
            {
                await Console.Error.WriteLineAsync("signpost: warning: the procedure contains raw HTML; the page shows it as plain text and never runs it.");
            }

            if (rendered.Removed.Count > 0)
            {
                await Console.Error.WriteLineAsync($"signpost: warning: sanitising removed {string.Join("; ", rendered.Removed.Distinct())} — the rest is shown as written.");
            }
        }, result.GetValue(show) ? AdminCommands.DatabaseUse.ReadOnly : AdminCommands.DatabaseUse.MigrateIfPending, ct));
        return command;
    }

    private static async Task ShowAsync(DowntimeProcedure procedure, CancellationToken cancellationToken)
    {
        if (await procedure.FindAsync(cancellationToken) is not { } document)
        {
            Console.WriteLine("No downtime procedure has been written yet.");
            return;
        }

        // Only the Markdown on standard output, so `--show > procedure.md` round-trips.
        Console.Write(document.Markdown);
        if (!document.Markdown.EndsWith('\n'))
        {
            Console.WriteLine();
        }

        await Console.Error.WriteLineAsync($"Last updated {MaintenanceWording.Utc(document.UpdatedAt)} by {document.UpdatedBy ?? "unknown"}.");
    }

    /// <summary>The file's bytes, never more than one past the limit (so an oversized file is refused without reading it all).</summary>
    private static async Task<byte[]> ReadAsync(FileInfo file, CancellationToken cancellationToken)
    {
        try
        {
            if (!file.Exists)
            {
                throw new CommandRefusedException($"{file.Name} does not exist ({file.FullName}).");
            }

            if (file.Length > SiteDocument.MaxBytes)
            {
                throw new CommandRefusedException(DowntimeProcedure.TooLarge(file.Name, file.Length));
            }

            return await File.ReadAllBytesAsync(file.FullName, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CommandRefusedException($"{file.Name} could not be read: {ex.Message}");
        }
    }
}
