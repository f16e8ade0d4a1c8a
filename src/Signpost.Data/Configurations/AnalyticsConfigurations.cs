using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Signpost.Core.Analytics;

namespace Signpost.Data.Configurations;

// The analytics aggregates (docs/analytics.md, "How the numbers are kept"): each keyed by every dimension it
// counts, so the job adds to a row by its key and the page reads a date range of keys. The second index of each
// daily table holds every column a view reads, practice and day first: a view's range of one practice's rows (or
// the all-practices roll-up's) is read from the index alone, without a look-up of each row in the table
// (docs/analytics.md, "What a counted view reads").

internal sealed class AnalyticsOutcomeCountConfiguration : IEntityTypeConfiguration<AnalyticsOutcomeCount>
{
    public void Configure(EntityTypeBuilder<AnalyticsOutcomeCount> builder)
    {
        builder.ToTable("AnalyticsOutcomeCounts");
        builder.HasKey(r => new { r.Day, r.OrganizationId, r.ReasonCode, r.Method });
        builder.HasIndex(r => new { r.OrganizationId, r.Day, r.ReasonCode, r.Method, r.Count });
        builder.Property(r => r.ReasonCode).HasMaxLength(64);
        builder.Property(r => r.Method).HasConversion<string>().HasMaxLength(24);
    }
}

internal sealed class AnalyticsHourCountConfiguration : IEntityTypeConfiguration<AnalyticsHourCount>
{
    public void Configure(EntityTypeBuilder<AnalyticsHourCount> builder)
    {
        builder.ToTable("AnalyticsHourCounts");
        builder.HasKey(r => new { r.Day, r.OrganizationId, r.Hour, r.Category, r.Method });
        builder.HasIndex(r => new { r.OrganizationId, r.Day, r.Hour, r.Category, r.Method, r.Failures });
        builder.Property(r => r.Category).HasConversion<string>().HasMaxLength(24);
        builder.Property(r => r.Method).HasConversion<string>().HasMaxLength(24);
    }
}

internal sealed class AnalyticsNetworkCountConfiguration : IEntityTypeConfiguration<AnalyticsNetworkCount>
{
    public void Configure(EntityTypeBuilder<AnalyticsNetworkCount> builder)
    {
        builder.ToTable("AnalyticsNetworkCounts");
        builder.HasKey(r => new { r.Day, r.OrganizationId, r.Network, r.Category, r.Method });
        builder.HasIndex(r => new { r.OrganizationId, r.Day, r.Network, r.Category, r.Method, r.Failures });
        builder.Property(r => r.Network).HasMaxLength(NetworkKey.MaxLength);
        builder.Property(r => r.Category).HasConversion<string>().HasMaxLength(24);
        builder.Property(r => r.Method).HasConversion<string>().HasMaxLength(24);
    }
}

internal sealed class AnalyticsStoryCountConfiguration : IEntityTypeConfiguration<AnalyticsStoryCount>
{
    public void Configure(EntityTypeBuilder<AnalyticsStoryCount> builder)
    {
        builder.ToTable("AnalyticsStoryCounts");
        builder.HasKey(r => new { r.Day, r.OrganizationId, r.Category, r.Method, r.Ending, r.Way });
        builder.HasIndex(r => new { r.OrganizationId, r.Day, r.Category, r.Method, r.Ending, r.Way, r.Stories, r.SecondsToRecover });
        builder.Property(r => r.Category).HasConversion<string>().HasMaxLength(24);
        builder.Property(r => r.Method).HasConversion<string>().HasMaxLength(24);
        builder.Property(r => r.Ending).HasConversion<string>().HasMaxLength(32);
        builder.Property(r => r.Way).HasConversion<string>().HasMaxLength(32);
    }
}

internal sealed class AnalyticsPracticeRunningFailuresConfiguration : IEntityTypeConfiguration<AnalyticsPracticeRunningFailures>
{
    public void Configure(EntityTypeBuilder<AnalyticsPracticeRunningFailures> builder)
    {
        // Keyed for "the newest row of this series on or before a day": one index seek from the end. Kind first,
        // so that a ranking's two look-ups per practice, made in practice order, walk one kind's rows from start
        // to end instead of jumping over the whole table (on SQLite the table is clustered on this key:
        // docs/analytics.md, "The practices with the most failures").
        builder.ToTable("AnalyticsPracticeRunningFailures");
        builder.HasKey(r => new { r.Category, r.Method, r.OrganizationId, r.Day });
        builder.Property(r => r.Category).HasMaxLength(24);
        builder.Property(r => r.Method).HasMaxLength(24);
    }
}

internal sealed class AnalyticsPracticeFailureTotalConfiguration : IEntityTypeConfiguration<AnalyticsPracticeFailureTotal>
{
    public void Configure(EntityTypeBuilder<AnalyticsPracticeFailureTotal> builder)
    {
        // Kind first: the ranking reads one kind's rows, every practice's.
        builder.ToTable("AnalyticsPracticeFailureTotals");
        builder.HasKey(r => new { r.Category, r.Method, r.OrganizationId });
        builder.HasIndex(r => r.OrganizationId);
        // A kind's oldest and newest window start, a seek each; when every series' bound for a range is one expression,
        // round one of the ranking reads the kind's series in its order from one of these indexes: failures before the
        // window start, all failures, and (made by the migration AnalyticsRankingIndexes, since EF Core models no
        // expression index) failures since the start (docs/analytics.md, "What a counted view reads").
        builder.HasIndex(r => new { r.Category, r.Method, r.WindowStart });
        builder.HasIndex(r => new { r.Category, r.Method, r.BeforeWindow, r.OrganizationId }).IsDescending(false, false, true, false)
            .HasDatabaseName("IX_AnalyticsPracticeFailureTotals_BeforeWindow");
        builder.HasIndex(r => new { r.Category, r.Method, r.Failures, r.OrganizationId }).IsDescending(false, false, true, false)
            .HasDatabaseName("IX_AnalyticsPracticeFailureTotals_Failures");
        builder.Property(r => r.Category).HasMaxLength(24);
        builder.Property(r => r.Method).HasMaxLength(24);
    }
}

internal sealed class AnalyticsPracticeMonthFailuresConfiguration : IEntityTypeConfiguration<AnalyticsPracticeMonthFailures>
{
    public void Configure(EntityTypeBuilder<AnalyticsPracticeMonthFailures> builder)
    {
        // Kind first, then practice: a ranking sums one practice's rows of the few months its range touches, one
        // seek, for the practices its first round left in (docs/analytics.md, "The practices with the most failures").
        builder.ToTable("AnalyticsPracticeMonthFailures");
        builder.HasKey(r => new { r.Category, r.Method, r.OrganizationId, r.Month });
        // Kind, month, failures: the practices of a kind with at least so many failures in a month, a short range each,
        // from which a ranking over a few months takes the only practices that can still place (docs/analytics.md,
        // "The practices with the most failures").
        builder.HasIndex(r => new { r.Category, r.Method, r.Month, r.Failures });
        builder.Property(r => r.Category).HasMaxLength(24);
        builder.Property(r => r.Method).HasMaxLength(24);
    }
}

internal sealed class AnalyticsPracticeMonthSignInsConfiguration : IEntityTypeConfiguration<AnalyticsPracticeMonthSignIns>
{
    public void Configure(EntityTypeBuilder<AnalyticsPracticeMonthSignIns> builder)
    {
        // Practice first: the ten practices of a long range each read their whole months with one seek (on SQLite
        // the table is clustered on this key: docs/analytics.md, "Long ranges").
        builder.ToTable("AnalyticsPracticeMonthSignIns");
        builder.HasKey(r => new { r.OrganizationId, r.Month, r.Method });
        builder.Property(r => r.Method).HasConversion<string>().HasMaxLength(24);
    }
}

// The month roll-ups of all practices: keyed month first, so a long range reads its whole months in one range scan.

internal sealed class AnalyticsMonthOutcomeConfiguration : IEntityTypeConfiguration<AnalyticsMonthOutcome>
{
    public void Configure(EntityTypeBuilder<AnalyticsMonthOutcome> builder)
    {
        builder.ToTable("AnalyticsMonthOutcomes");
        builder.HasKey(r => new { r.Month, r.ReasonCode, r.Method });
        builder.Property(r => r.ReasonCode).HasMaxLength(64);
        builder.Property(r => r.Method).HasConversion<string>().HasMaxLength(24);
    }
}

internal sealed class AnalyticsMonthHourConfiguration : IEntityTypeConfiguration<AnalyticsMonthHour>
{
    public void Configure(EntityTypeBuilder<AnalyticsMonthHour> builder)
    {
        builder.ToTable("AnalyticsMonthHours");
        builder.HasKey(r => new { r.Month, r.Weekday, r.Hour, r.Category, r.Method });
        builder.Property(r => r.Category).HasConversion<string>().HasMaxLength(24);
        builder.Property(r => r.Method).HasConversion<string>().HasMaxLength(24);
    }
}

// The heat map's rows summed over category and method: keyed by time first, so a range is one range scan.

internal sealed class AnalyticsHourTotalConfiguration : IEntityTypeConfiguration<AnalyticsHourTotal>
{
    public void Configure(EntityTypeBuilder<AnalyticsHourTotal> builder)
    {
        builder.ToTable("AnalyticsHourTotals");
        builder.HasKey(r => new { r.Day, r.Hour });
    }
}

internal sealed class AnalyticsMonthHourTotalConfiguration : IEntityTypeConfiguration<AnalyticsMonthHourTotal>
{
    public void Configure(EntityTypeBuilder<AnalyticsMonthHourTotal> builder)
    {
        builder.ToTable("AnalyticsMonthHourTotals");
        builder.HasKey(r => new { r.Month, r.Weekday, r.Hour });
    }
}

internal sealed class AnalyticsMonthNetworkConfiguration : IEntityTypeConfiguration<AnalyticsMonthNetwork>
{
    public void Configure(EntityTypeBuilder<AnalyticsMonthNetwork> builder)
    {
        builder.ToTable("AnalyticsMonthNetworks");
        builder.HasKey(r => new { r.Month, r.Network, r.Category, r.Method });
        builder.Property(r => r.Network).HasMaxLength(NetworkKey.MaxLength);
        builder.Property(r => r.Category).HasConversion<string>().HasMaxLength(24);
        builder.Property(r => r.Method).HasConversion<string>().HasMaxLength(24);
    }
}

internal sealed class AnalyticsMonthStoryConfiguration : IEntityTypeConfiguration<AnalyticsMonthStory>
{
    public void Configure(EntityTypeBuilder<AnalyticsMonthStory> builder)
    {
        builder.ToTable("AnalyticsMonthStories");
        builder.HasKey(r => new { r.Month, r.Category, r.Method, r.Ending, r.Way });
        builder.Property(r => r.Category).HasConversion<string>().HasMaxLength(24);
        builder.Property(r => r.Method).HasConversion<string>().HasMaxLength(24);
        builder.Property(r => r.Ending).HasConversion<string>().HasMaxLength(32);
        builder.Property(r => r.Way).HasConversion<string>().HasMaxLength(32);
    }
}

internal sealed class AnalyticsWatermarkConfiguration : IEntityTypeConfiguration<AnalyticsWatermark>
{
    public void Configure(EntityTypeBuilder<AnalyticsWatermark> builder)
    {
        builder.ToTable("AnalyticsWatermarks");
        builder.HasKey(w => w.Name);
        builder.Property(w => w.Name).HasMaxLength(32);
    }
}
