using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Signpost.Data.Search;

/// <summary>The table a partial search reads through its FTS5 index.</summary>
public enum SearchTable
{
    /// <summary><c>Accounts</c> through <c>AccountSearch</c>: normalized provider ID, normalized email, name.</summary>
    Accounts,

    /// <summary><c>Organizations</c> through <c>PracticeSearch</c>: name, slug.</summary>
    Practices,
}

/// <summary>
/// The share of a table's rows each trigram appears in, estimated from a random sample of rows (docs/support-console.md,
/// "Common trigrams"). A partial search on SQLite asks the FTS5 index for only the text's rare trigrams: an FTS5 phrase
/// reads every one of its trigrams' lists in full, and a trigram found in nearly every account (<c>USE</c> of
/// <c>USER…</c>, <c>EXA</c> of <c>@….EXAMPLE</c>) is a list of a million entries that narrows nothing.
/// Trigrams are compared upper-cased by <see cref="string.ToUpperInvariant"/> and counted in Unicode characters,
/// as the FTS5 <c>trigram</c> tokenizer folds case and splits text; an estimate that is off only costs speed, since
/// the search's <c>LIKE</c> decides every match.
/// </summary>
public sealed class TrigramShares
{
    /// <summary>How many rows a sample reads at most: a trigram in 10 % of the rows is then seen about 200 times.</summary>
    public const int SampleSize = 2048;

    private readonly Dictionary<string, int> _rowsWith;

    private TrigramShares(Dictionary<string, int> rowsWith, int rows)
    {
        _rowsWith = rowsWith;
        Rows = rows;
    }

    /// <summary>How many rows the estimate was made from.</summary>
    public int Rows { get; }

    /// <summary>The share (0–1) of sampled rows holding <paramref name="trigram"/> in any column; 1 when nothing was sampled.</summary>
    public double Share(string trigram) =>
        Rows == 0 ? 1 : (double)_rowsWith.GetValueOrDefault(trigram.ToUpperInvariant()) / Rows;

    /// <summary>The shares in <paramref name="rows"/>, each row's columns as text (nulls skipped); a trigram counts once per row.</summary>
    public static TrigramShares Count(IEnumerable<IReadOnlyList<string?>> rows)
    {
        var rowsWith = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var row in rows)
        {
            count++;
            seen.Clear();
            foreach (var value in row)
            {
                if (value is not null)
                {
                    foreach (var trigram in Trigrams(value.ToUpperInvariant()))
                    {
                        seen.Add(trigram);
                    }
                }
            }

            foreach (var trigram in seen)
            {
                rowsWith[trigram] = rowsWith.GetValueOrDefault(trigram) + 1;
            }
        }

        return new TrigramShares(rowsWith, count);
    }

    /// <summary>Each run of three consecutive Unicode characters in <paramref name="text"/>, in order.</summary>
    public static IEnumerable<string> Trigrams(string text)
    {
        var runes = text.EnumerateRunes().ToArray();
        for (var i = 0; i + 3 <= runes.Length; i++)
        {
            yield return string.Concat(runes[i].ToString(), runes[i + 1].ToString(), runes[i + 2].ToString());
        }
    }

    /// <summary>
    /// Samples up to <see cref="SampleSize"/> rows of <paramref name="table"/> at random rowids (a table of fewer
    /// rowids is read whole) and counts their trigrams. SQLite only: one seek per sampled row, about a second on a
    /// cold 12 GB database of a million accounts.
    /// </summary>
    public static async Task<TrigramShares> SampleAsync(SignpostDbContext db, SearchTable table, CancellationToken cancellationToken = default)
    {
        var (name, columns) = table switch
        {
            SearchTable.Accounts => ("Accounts", "\"NormalizedUsername\", \"NormalizedEmail\", \"DisplayName\""),
            _ => ("Organizations", "\"Name\", \"Slug\""),
        };
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            long low, high;
            await using (var bounds = connection.CreateCommand())
            {
                bounds.CommandText = $"SELECT min(rowid), max(rowid) FROM \"{name}\"";
                await using var reader = await bounds.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                if (reader.IsDBNull(0))
                {
                    return Count([]);
                }

                (low, high) = (reader.GetInt64(0), reader.GetInt64(1));
            }

            await using var command = connection.CreateCommand();
            if (high - low + 1 <= SampleSize)
            {
                command.CommandText = $"SELECT {columns} FROM \"{name}\"";
            }
            else
            {
                var ids = new HashSet<long>();
                while (ids.Count < SampleSize)
                {
                    ids.Add(Random.Shared.NextInt64(low, high + 1));
                }

                command.CommandText = $"SELECT {columns} FROM \"{name}\" WHERE rowid IN (SELECT value FROM json_each($ids))";
                var parameter = command.CreateParameter();
                parameter.ParameterName = "$ids";
                parameter.Value = JsonSerializer.Serialize(ids);
                command.Parameters.Add(parameter);
            }

            return Count(await ReadRowsAsync(command, cancellationToken));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<List<string?[]>> ReadRowsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<string?[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
            }

            rows.Add(row);
        }

        return rows;
    }
}
