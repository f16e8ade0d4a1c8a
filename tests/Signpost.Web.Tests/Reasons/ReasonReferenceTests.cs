using Signpost.Web.Infrastructure;

namespace Signpost.Web.Tests.Reasons;

/// <summary>The committed reason-code reference is the catalogue's own rendering, never a hand-kept copy.</summary>
public sealed class ReasonReferenceTests
{
    [Fact]
    public void ReasonCodesDoc_Committed_EqualsRenderingOfCatalogue()
    {
        // Arrange
        var path = Path.Combine(RepositoryRoot(), "docs", "reason-codes.md");
        Assert.True(File.Exists(path), $"{path} is missing: run `dotnet run --project src/Signpost.Web -- docs reason-codes`.");

        // Act
        var committed = File.ReadAllText(path).ReplaceLineEndings("\n");

        // Assert
        Assert.True(ReasonCodeReference.Render() == committed,
            "docs/reason-codes.md differs from the catalogue: regenerate it with `dotnet run --project src/Signpost.Web -- docs reason-codes`.");
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Signpost.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Signpost.slnx above {AppContext.BaseDirectory}.");
    }
}
