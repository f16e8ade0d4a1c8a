using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Signpost.Web.Tests.Logs;

/// <summary>
/// Log event IDs are unique across Signpost's assemblies (docs/observability.md, "Event IDs"), so an alert
/// keyed on one never matches another message.
/// </summary>
public sealed class LogEventIdTests
{
    private static readonly Assembly[] Assemblies =
    [
        typeof(Signpost.Core.Reasons.ReasonCatalogue).Assembly,
        typeof(Signpost.Data.SignpostDbContext).Assembly,
        typeof(Signpost.Web.Cli.SignpostCli).Assembly,
    ];

    [Fact]
    public void LoggerMessages_EveryEventIdAndNameUsedOnce()
    {
        // Arrange
        var messages = Assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => (Where: $"{x.Method.DeclaringType!.FullName}.{x.Method.Name}", x.Attribute!.EventId, Name: x.Attribute.EventName ?? x.Method.Name))
            .ToList();

        // Act
        var sharedIds = messages.GroupBy(m => m.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Where))}").ToList();
        var sharedNames = messages.GroupBy(m => m.Name).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Where))}").ToList();

        // Assert: the scan found the messages (it cannot pass by finding none), and none repeats
        Assert.True(messages.Count > 30, $"only {messages.Count} [LoggerMessage] methods found");
        Assert.DoesNotContain(messages, m => m.EventId <= 0);
        Assert.Empty(sharedIds);
        Assert.Empty(sharedNames);
    }
}
