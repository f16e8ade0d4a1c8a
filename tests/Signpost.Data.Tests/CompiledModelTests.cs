using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Signpost.Data.Postgres;
using Signpost.Data.Sqlite;

namespace Signpost.Data.Tests;

/// <summary>
/// The compiled models the app starts with (src/Signpost.Data.*/CompiledModels) against the model EF builds
/// from the entity configurations. A model change without <c>scripts/compiled-models</c> would otherwise run
/// silently on the old model: columns missing from queries, a new index never used (docs/testing.md,
/// "Compiled models"). Needs no database: both models are built from the options alone.
/// </summary>
public sealed class CompiledModelTests
{
    public static TheoryData<string> Providers => new() { "Sqlite", "PostgreSQL" };

    [Theory]
    [MemberData(nameof(Providers))]
    public void CompiledModel_IsTheOneTheAppUses(string provider)
    {
        using var db = Context(provider);

        Assert.IsType(provider == "Sqlite" ? typeof(Sqlite.CompiledModels.SignpostDbContextModel) : typeof(Postgres.CompiledModels.SignpostDbContextModel), db.Model);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void CompiledModel_HasTheSchemaTheConfigurationsBuild(string provider)
    {
        using var db = Context(provider);
        // The design-time model is built from OnModelCreating even when the options name a compiled model.
        var configured = db.GetService<IDesignTimeModel>().Model;
        Assert.NotSame(db.Model, configured);

        AssertSame(provider, Schema(configured), Schema(db.Model));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void CompiledModel_HasTheEntitiesPropertiesAndRelationshipsTheConfigurationsBuild(string provider)
    {
        using var db = Context(provider);
        var compiled = db.Model.ToDebugString(MetadataDebugStringOptions.ShortDefault);
        var configured = db.GetService<IDesignTimeModel>().Model.ToDebugString(MetadataDebugStringOptions.ShortDefault);

        AssertSame(provider, Lines(configured), Lines(compiled));
    }

    /// <summary>
    /// What the runtime reads of the relational model, one line per fact: tables, columns with their store types,
    /// keys, foreign keys, indexes, and each property's column and value converter. (EF's migrations differ cannot
    /// compare a compiled model: it reads design-time facts such as collations that a compiled model leaves out.)
    /// </summary>
    private static IEnumerable<string> Schema(IModel model)
    {
        foreach (var table in model.GetRelationalModel().Tables)
        {
            var name = $"{table.Schema}.{table.Name}";
            yield return $"table {name}";
            foreach (var column in table.Columns)
            {
                yield return $"column {name}.{column.Name} {column.StoreType} {(column.IsNullable ? "null" : "not null")}";
            }

            if (table.PrimaryKey is { } key)
            {
                yield return $"primary key {name} {key.Name} ({Columns(key.Columns)})";
            }

            foreach (var unique in table.UniqueConstraints)
            {
                yield return $"unique {name} {unique.Name} ({Columns(unique.Columns)})";
            }

            foreach (var fk in table.ForeignKeyConstraints)
            {
                yield return $"foreign key {name} {fk.Name} ({Columns(fk.Columns)}) -> {fk.PrincipalTable.Name} ({Columns(fk.PrincipalColumns)}) on delete {fk.OnDeleteAction}";
            }

            foreach (var index in table.Indexes)
            {
                yield return $"index {name} {index.Name} ({Columns(index.Columns)}) {(index.IsUnique ? "unique" : string.Empty)} where {index.Filter}";
            }
        }

        foreach (var entity in model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                var mapping = property.GetRelationalTypeMapping();
                yield return $"property {entity.Name}.{property.Name} {property.ClrType} column {property.GetColumnName()} "
                    + $"store {mapping.StoreType} converter {mapping.Converter?.GetType().FullName ?? "none"}";
            }
        }
    }

    private static string Columns(IEnumerable<IColumnBase> columns) => string.Join(", ", columns.Select(c => c.Name));

    private static IEnumerable<string> Lines(string debugView) => debugView.Split('\n').Select(l => l.TrimEnd());

    private static void AssertSame(string provider, IEnumerable<string> configured, IEnumerable<string> compiled)
    {
        var configuredLines = configured.ToList();
        var compiledLines = compiled.ToList();
        var missing = configuredLines.Except(compiledLines).ToList();
        var extra = compiledLines.Except(configuredLines).ToList();

        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"The {provider} compiled model is stale: run scripts/compiled-models and commit the result.{Environment.NewLine}"
            + $"Only in the configurations:{Environment.NewLine}{string.Join(Environment.NewLine, missing)}{Environment.NewLine}"
            + $"Only in the compiled model:{Environment.NewLine}{string.Join(Environment.NewLine, extra)}");
    }

    private static SignpostDbContext Context(string provider)
    {
        var options = new DbContextOptionsBuilder<SignpostDbContext>();
        if (provider == "Sqlite")
        {
            options.UseSignpostSqlite("Data Source=compiled-model-check.db");
        }
        else
        {
            options.UseSignpostPostgres("Host=localhost;Database=compiled_model_check");
        }

        return new SignpostDbContext(options.Options);
    }
}
