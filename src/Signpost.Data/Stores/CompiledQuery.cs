using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Signpost.Data.Stores;

/// <summary>
/// An EF Core compiled query for a read every signed-in request makes (docs/capacity.md, "A signed-in page"): the
/// request skips building the LINQ expression and looking it up in the query cache. EF Core refuses to run one
/// compiled query against two models, and a process can hold two (the SQLite and PostgreSQL contract tests, a
/// compiled model beside a built one), so it is compiled once per model, weakly held.
/// </summary>
internal sealed class CompiledQuery<TParam, TResult>(Expression<Func<SignpostDbContext, TParam, CancellationToken, TResult>> query)
{
    private readonly ConditionalWeakTable<IModel, Func<SignpostDbContext, TParam, CancellationToken, Task<TResult>>> _byModel = new();
    private readonly ConditionalWeakTable<IModel, Func<SignpostDbContext, TParam, CancellationToken, Task<TResult>>>.CreateValueCallback _compile =
        _ => EF.CompileAsyncQuery(query);

    public Task<TResult> RunAsync(SignpostDbContext db, TParam parameter, CancellationToken cancellationToken) =>
        _byModel.GetValue(db.Model, _compile)(db, parameter, cancellationToken);
}
