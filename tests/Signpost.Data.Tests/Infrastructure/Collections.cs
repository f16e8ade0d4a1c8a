namespace Signpost.Data.Tests.Infrastructure;

/// <summary>The store contract tests: one PostgreSQL for all of them, a database each.</summary>
[CollectionDefinition(Name)]
public sealed class StoreCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "Stores";
}
