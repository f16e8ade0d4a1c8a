namespace Signpost.Postgres.Tests.Infrastructure;

// Collections run in parallel (each has its own server), except the faults, which run alone at the end.

/// <summary>Two Signpost processes over one PostgreSQL.</summary>
[CollectionDefinition(Name)]
public sealed class NodeCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "Nodes";
}

/// <summary>
/// Tests that stop the database or starve it: their own server, so no other collection feels it, and run
/// alone after the others, because they assert how quickly answers come and a busy CPU would blur that.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "Faults";
}
