using System.Globalization;
using Signpost.Core.Analytics;
using Signpost.Core.Events;
using Signpost.Core.Reasons;

namespace Signpost.Web.Analytics;

/// <summary>
/// The filters of the analytics views as they come in the query string (date range, practice, reason
/// category, sign-in method). Anything unreadable is a problem named for its field, never a 500; the page
/// then shows the problem and the default in its place.
/// </summary>
public sealed class AnalyticsQuery
{
    /// <summary>Days shown when no range is given.</summary>
    public const int DefaultDays = AnalyticsFilter.DefaultDays;

    public string? From { get; set; }
    public string? To { get; set; }
    public string? Practice { get; set; }
    public string? Category { get; set; }
    public string? Method { get; set; }

    /// <summary>The failure categories a filter may name.</summary>
    public static IReadOnlyList<ReasonCategory> Categories { get; } = [.. Admin.OutcomeChart.Categories.Where(c => c != ReasonCategory.Success)];

    /// <summary>The filter, with <paramref name="problems"/> naming each field that could not be read.</summary>
    public AnalyticsFilter Parse(DateOnly today, Guid? organizationId, List<(string Field, string Message)> problems)
    {
        var to = Date(To, nameof(To), problems) ?? today;
        var from = Date(From, nameof(From), problems) ?? to.AddDays(1 - DefaultDays);
        if (from > to)
        {
            problems.Add((nameof(From), "The first day comes after the last."));
            from = to.AddDays(1 - DefaultDays);
        }
        else if (to.DayNumber - from.DayNumber + 1 > AnalyticsFilter.MaxDays)
        {
            problems.Add((nameof(From), $"A report covers at most {AnalyticsFilter.MaxDays} days."));
            from = to.AddDays(1 - AnalyticsFilter.MaxDays);
        }

        ReasonCategory? category = null;
        if (!string.IsNullOrEmpty(Category))
        {
            if (Category.Length <= 32 && !int.TryParse(Category, out _) && Enum.TryParse<ReasonCategory>(Category, ignoreCase: true, out var c) && Categories.Contains(c))
            {
                category = c;
            }

            if (category is null)
            {
                problems.Add((nameof(Category), "Not a reason category of failures."));
            }
        }

        SignInMethod? method = null;
        if (!string.IsNullOrEmpty(Method))
        {
            if (Method.Length <= 32 && Enum.TryParse<SignInMethod>(Method, ignoreCase: true, out var m) && Enum.IsDefined(m) && !int.TryParse(Method, out _))
            {
                method = m;
            }
            else
            {
                problems.Add((nameof(Method), "Not a sign-in method."));
            }
        }

        return new AnalyticsFilter(from, to, organizationId, category, method);
    }

    /// <summary>The same filters as a query string, for the CSV links and the CLI's hint.</summary>
    public static string QueryString(AnalyticsFilter filter, string? practiceSlug)
    {
        var parts = new List<string>
        {
            "from=" + filter.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "to=" + filter.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (practiceSlug is not null)
        {
            parts.Add("practice=" + Uri.EscapeDataString(practiceSlug));
        }

        if (filter.Category is { } category)
        {
            parts.Add("category=" + category);
        }

        if (filter.Method is { } method)
        {
            parts.Add("method=" + method);
        }

        return string.Join('&', parts);
    }

    private static DateOnly? Date(string? value, string field, List<(string, string)> problems)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length == 10 && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            && day.Year is >= 2000 and <= 9000)
        {
            return day;
        }

        problems.Add((field, "Write the day as YYYY-MM-DD."));
        return null;
    }
}
