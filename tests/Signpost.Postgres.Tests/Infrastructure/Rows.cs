using Npgsql;

namespace Signpost.Postgres.Tests.Infrastructure;

/// <summary>
/// Reads what the nodes wrote straight from PostgreSQL, with Npgsql and no pooling: the test's own view
/// of the database, independent of the app's DbContext and of any pool a restart has broken.
/// </summary>
public static class Rows
{
    public static async Task<List<T>> ReadAsync<T>(string connectionString, string sql, Func<NpgsqlDataReader, T> row, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(row(reader));
        }

        return rows;
    }

    public static async Task<T> SingleAsync<T>(string connectionString, string sql, Func<NpgsqlDataReader, T> row, params (string Name, object Value)[] parameters) =>
        Assert.Single(await ReadAsync(connectionString, sql, row, parameters));

    /// <summary>The ID of the account with this username.</summary>
    public static Task<Guid> AccountIdAsync(string connectionString, string username) =>
        SingleAsync(connectionString, """SELECT "Id" FROM "Accounts" WHERE "NormalizedUsername" = @name""",
            r => r.GetGuid(0), ("name", username.ToUpperInvariant()));
}
