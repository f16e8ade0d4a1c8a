using System.Reflection;
using System.Reflection.Emit;
using Signpost.Core.Accounts;
using Signpost.Data;
using Signpost.Web.Queries;

namespace Signpost.Web.Tests.Architecture;

/// <summary>
/// The layout rules of README "Layout", checked against the compiled code: Core depends on neither EF Core nor
/// ASP.NET Core, and Signpost.Web writes through the DbContext nowhere but in the listed exceptions — writes go
/// through Core services and Data stores; screens read through <c>Web/Queries/</c>.
/// </summary>
public sealed class LayoutTests
{
    /// <summary>
    /// Web types that still write through the DbContext, by name, each with why it is not moved yet. The list
    /// only shrinks: a type that no longer writes must leave it (the test says so).
    /// </summary>
    private static readonly Dictionary<string, string> WritesAllowed = new(StringComparer.Ordinal)
    {
        ["Bootstrap"] = "the demo data of `signpost --demo`",
    };

    /// <summary>
    /// Web types outside <c>Signpost.Web.Queries</c> (the screens' reads) and <c>Signpost.Web.Setup</c> (wiring: the database
    /// choice, migrations, backups, health checks, key storage, event retention, the demo seed) that still take or hold the
    /// DbContext, by name, each with why. The list only shrinks: a type that no longer touches it must leave it.
    /// </summary>
    private static readonly Dictionary<string, string> ContextAllowed = new(StringComparer.Ordinal)
    {
        ["PracticeAdministration"] = "its FindMemberAsync returns the member tracked, as its callers expect; to move to a Data store's read-for-change, its other lookups to Web/Queries",
        ["AdminCommands"] = "its schema check hands the DbContext to DatabaseSetup.UnreadableBecauseAsync (the startup path, changed elsewhere); goes when that takes none",
        ["PlatformProvisioning"] = "FindAccountAsync hands the command line a tracked account, and an organization is read tracked to join a new account; to move to IPlatformStore, its uniqueness checks to Web/Queries",
    };

    private static readonly HashSet<string> ContextWrites = new(StringComparer.Ordinal)
    {
        "SaveChanges", "SaveChangesAsync", "Add", "AddAsync", "AddRange", "AddRangeAsync", "Remove", "RemoveRange",
        "Update", "UpdateRange", "Attach", "AttachRange",
    };

    private static readonly HashSet<string> QueryWrites = new(StringComparer.Ordinal)
    {
        "ExecuteUpdate", "ExecuteUpdateAsync", "ExecuteDelete", "ExecuteDeleteAsync",
        "ExecuteSql", "ExecuteSqlAsync", "ExecuteSqlRaw", "ExecuteSqlRawAsync", "ExecuteSqlInterpolated", "ExecuteSqlInterpolatedAsync",
    };

    [Fact]
    public void Core_ReferencesNeitherEntityFrameworkNorAspNetCore()
    {
        var references = typeof(Account).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("System.Runtime", references); // the check reads real references
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || name.StartsWith("Npgsql", StringComparison.Ordinal));
    }

    [Fact]
    public void Web_WritesThroughTheDbContextOnlyInTheListedExceptions()
    {
        var writers = WebWrites().ToLookup(w => w.Owner, w => w.Call);

        var unlisted = writers.Where(w => !WritesAllowed.ContainsKey(w.Key)).Select(w => $"{w.Key}: {string.Join(", ", w.Distinct().Order())}").ToList();
        Assert.True(unlisted.Count == 0,
            "These Web types write through the DbContext; move the write into a Data store or a Core service (README \"Layout\"):\n" + string.Join("\n", unlisted));
        var stale = WritesAllowed.Keys.Where(name => !writers.Contains(name)).ToList();
        Assert.True(stale.Count == 0, "These types no longer write through the DbContext; take them off the exceptions: " + string.Join(", ", stale));
    }

    [Fact]
    public void Queries_AreReadOnly()
    {
        var queries = typeof(SupportQueries).Namespace!;

        Assert.Contains(WebWrites(), w => w.Owner == "Bootstrap"); // the scan sees writes where there are some
        Assert.DoesNotContain(WebWrites(), w => w.Namespace == queries);
    }

    [Fact]
    public void Web_TouchesTheDbContextOnlyInQueriesSetupAndTheListedExceptions()
    {
        var allowedNamespaces = new[] { typeof(SupportQueries).Namespace!, "Signpost.Web.Setup" };
        var all = WebContextUses().ToList();
        Assert.Contains(all, u => u.Owner == nameof(SupportQueries)); // the scan sees the DbContext where it is
        var users = all.Where(u => !allowedNamespaces.Contains(u.Namespace)).ToLookup(u => u.Owner, u => u.Use);

        var unlisted = users.Where(u => !ContextAllowed.ContainsKey(u.Key)).Select(u => $"{u.Key}: {string.Join(", ", u.Distinct().Order())}").ToList();
        Assert.True(unlisted.Count == 0,
            "These Web types take or hold the DbContext; read through a class in Web/Queries instead (README \"Layout\"):\n" + string.Join("\n", unlisted));
        var stale = ContextAllowed.Keys.Where(name => !users.Contains(name)).ToList();
        Assert.True(stale.Count == 0, "These types no longer touch the DbContext; take them off the exceptions: " + string.Join(", ", stale));
    }

    /// <summary>
    /// Every place in Signpost.Web (nested and compiler-generated types counted to the type that holds them) that takes
    /// the DbContext (constructor or method parameter), holds it (field, hoisted local) or calls it (its members, or a
    /// generic call over it such as <c>GetRequiredService&lt;SignpostDbContext&gt;</c>).
    /// </summary>
    private static IEnumerable<(string Owner, string? Namespace, string Use)> WebContextUses()
    {
        var web = typeof(SupportQueries).Assembly;
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        static bool IsContext(Type type) => typeof(Microsoft.EntityFrameworkCore.DbContext).IsAssignableFrom(type);
        foreach (var type in web.GetTypes())
        {
            var owner = type;
            while (owner.DeclaringType is { } outer)
            {
                owner = outer;
            }

            foreach (var field in type.GetFields(all).Where(f => IsContext(f.FieldType)))
            {
                yield return (owner.Name, owner.Namespace, $"field {field.Name}");
            }

            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                foreach (var parameter in method.GetParameters().Where(p => IsContext(p.ParameterType)))
                {
                    yield return (owner.Name, owner.Namespace, $"parameter {parameter.Name} of {method.Name}");
                }

                foreach (var called in CalledMethods(method))
                {
                    var generic = called.IsGenericMethod ? called.GetGenericArguments() : [];
                    if ((called.DeclaringType is { } declaring && IsContext(declaring)) || generic.Any(IsContext))
                    {
                        yield return (owner.Name, owner.Namespace, $"call {called.DeclaringType?.Name}.{called.Name}");
                    }
                }
            }
        }
    }

    /// <summary>Every call in Signpost.Web's IL (lambdas and async state machines counted to the type that holds them) that writes through EF Core.</summary>
    private static IEnumerable<(string Owner, string? Namespace, string Call)> WebWrites()
    {
        var web = typeof(SupportQueries).Assembly;
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        foreach (var type in web.GetTypes())
        {
            var owner = type;
            while (owner.DeclaringType is { } outer)
            {
                owner = outer;
            }

            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                foreach (var called in CalledMethods(method))
                {
                    if (IsWrite(called))
                    {
                        yield return (owner.Name, owner.Namespace, $"{called.DeclaringType!.Name}.{called.Name}");
                    }
                }
            }
        }
    }

    private static bool IsWrite(MethodBase called)
    {
        var declaring = called.DeclaringType;
        if (declaring is null)
        {
            return false;
        }

        if (typeof(Microsoft.EntityFrameworkCore.DbContext).IsAssignableFrom(declaring) || (declaring.IsGenericType && declaring.GetGenericTypeDefinition() == typeof(Microsoft.EntityFrameworkCore.DbSet<>)))
        {
            return ContextWrites.Contains(called.Name);
        }

        return declaring.Namespace is not null && declaring.Namespace.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) && QueryWrites.Contains(called.Name);
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The methods a body calls (call, callvirt, newobj, ldftn), read from its IL.</summary>
    private static IEnumerable<MethodBase> CalledMethods(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            return [];
        }

        var found = new List<MethodBase>();
        var typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var code = il[i] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[i + 1])] : OpCodesByValue[il[i]];
            i += code.Size;
            if (code.OperandType == OperandType.InlineMethod)
            {
                var token = BitConverter.ToInt32(il, i);
                if (method.Module.ResolveMethod(token, typeArguments, methodArguments) is { } called)
                {
                    found.Add(called);
                }
            }

            i += code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (BitConverter.ToInt32(il, i) * 4),
                _ => 4,
            };
        }

        return found;
    }
}
