using System.Reflection;

namespace Signpost.Browser.Tests.Infrastructure;

/// <summary>Where the repository and the built app are, seen from the test assembly.</summary>
public static class Repository
{
    /// <summary>The folder holding <c>Signpost.slnx</c>, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the app is run in the same configuration as these tests were built.</summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } configuration
            ? configuration
            : "Debug";

    /// <summary>The real app, built by the project reference (ReferenceOutputAssembly=false).</summary>
    public static string AppDll { get; } =
        Path.Combine(Root, "src", "Signpost.Web", "bin", Configuration, "net10.0", "signpost.dll");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Signpost.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Signpost.slnx.");
    }
}
