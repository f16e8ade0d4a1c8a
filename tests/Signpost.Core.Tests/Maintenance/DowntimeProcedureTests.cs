using System.Text;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Documents;
using Signpost.Core.Maintenance;

namespace Signpost.Core.Tests.Maintenance;

/// <summary>The downtime procedure's text: UTF-8 only, at most 64 KiB, never empty.</summary>
public sealed class DowntimeProcedureTests
{
    [Fact]
    public void Decode_Utf8WithByteOrderMark_TextWithoutIt()
    {
        var text = DowntimeProcedure.Decode([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("Café: use paper forms.\n")], "p.md").Done();

        Assert.Equal("Café: use paper forms.\n", text);
    }

    [Theory]
    [InlineData(new byte[] { 0x43, 0x61, 0x66, 0xE9 }, "p.md is not UTF-8 text; save it as UTF-8 and try again.")]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x41, 0x00 }, "p.md is not UTF-8 text; save it as UTF-8 and try again.")]
    [InlineData(new byte[] { 0x41, 0x00, 0x42 }, "p.md holds control characters; the downtime procedure must be plain Markdown text.")]
    public void Decode_NotUtf8Text_RefusedWithOneSentence(byte[] content, string expected)
    {
        var refused = AdminResults.Refused(DowntimeProcedure.Decode(content, "p.md"));

        Assert.Equal(expected, refused.Message);
    }

    [Fact]
    public void Decode_OneByteOver64KiB_Refused()
    {
        var refused = AdminResults.Refused(DowntimeProcedure.Decode(new byte[SiteDocument.MaxBytes + 1], "big.md"));

        Assert.Equal("big.md is 65,537 bytes; the downtime procedure may be at most 64 KiB (65,536 bytes).", refused.Message);
    }

    [Fact]
    public async Task Save_Text_StoredWithTimeAndActor()
    {
        var store = new Store();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var procedure = new DowntimeProcedure(store, time);

        await procedure.SaveAsync("Call 555-0100.", "cli", CancellationToken.None).Done();
        var stored = await procedure.FindAsync(CancellationToken.None);

        Assert.Equal(("Call 555-0100.", time.GetUtcNow(), "cli"), (stored!.Markdown, stored.UpdatedAt, stored.UpdatedBy));
        Assert.True(await procedure.ExistsAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n\t")]
    public async Task Save_Empty_Refused(string markdown)
    {
        var procedure = new DowntimeProcedure(new Store(), TimeProvider.System);

        var refused = await AdminResults.RefusedAsync(procedure.SaveAsync(markdown, "cli", CancellationToken.None));

        Assert.StartsWith("The downtime procedure is empty", refused.Message, StringComparison.Ordinal);
    }

    private sealed class Store : ISiteDocumentStore
    {
        private readonly Dictionary<string, SiteDocument> _documents = [];

        public Task<SiteDocument?> FindAsync(string key, CancellationToken cancellationToken) => Task.FromResult(_documents.GetValueOrDefault(key));

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => Task.FromResult(_documents.ContainsKey(key));

        public Task SaveAsync(SiteDocument document, CancellationToken cancellationToken)
        {
            _documents[document.Key] = document;
            return Task.CompletedTask;
        }
    }
}
