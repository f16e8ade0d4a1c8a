using Signpost.Web.Cli;

namespace Signpost.Web;

/// <summary>Entry point of the <c>signpost</c> executable: the web service and its command line.</summary>
public partial class Program
{
    public static Task<int> Main(string[] args) => SignpostCli.RunAsync(args);
}
