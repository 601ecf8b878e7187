using Microsoft.Extensions.Configuration;
using Reminders.App.Hosting;

namespace Reminders.App.Tests.Hosting;

public sealed class TimerScheduleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0 */5 * * * *", "2026-01-05T12:05:00Z")]
    [InlineData("30 0 9 * * *", "2026-01-06T09:00:30Z")]
    [InlineData("0 0 12 * * *", "2026-01-06T12:00:00Z")]
    [InlineData("*/2 * * * * *", "2026-01-05T12:00:02Z")]
    [InlineData("0 0 0 * * 0", "2026-01-11T00:00:00Z")]
    [InlineData("*/5 * * * *", "2026-01-05T12:05:00Z")]
    [InlineData("  0   15  10  *  *  1-5 ", "2026-01-06T10:15:00Z")]
    public void Next_occurrence_is_strictly_after_the_given_time_in_utc(string expression, string expected)
    {
        var schedule = TimerSchedule.Parse(expression);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), schedule.GetNextOccurrence(Noon));
    }

    [Fact]
    public void An_offset_time_is_read_as_the_same_instant_in_utc()
    {
        var schedule = TimerSchedule.Parse("0 0 12 * * *");
        var inShanghai = new DateTimeOffset(2026, 1, 5, 19, 0, 0, TimeSpan.FromHours(8)); // 11:00 UTC

        Assert.Equal(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero), schedule.GetNextOccurrence(inShanghai));
    }

    [Theory]
    [InlineData("")]
    [InlineData("* * * *")]
    [InlineData("* * * * * * *")]
    [InlineData("61 * * * * *")]
    [InlineData("0 0 25 * * *")]
    [InlineData("every minute")]
    public void Invalid_expressions_are_refused(string expression)
    {
        Assert.False(TimerSchedule.TryParse(expression, out _, out var error));
        Assert.Contains(expression.Trim().Length == 0 ? "NCRONTAB" : expression, error);
        Assert.Throws<FormatException>(() => TimerSchedule.Parse(expression));
    }

    [Theory]
    [InlineData("* * * * * *", true)]
    [InlineData("*/30 * * * * *", true)]
    [InlineData("0 * * * * *", false)]
    [InlineData("0 */5 * * * *", false)]
    [InlineData("*/5 * * * *", false)]
    public void Schedules_more_often_than_once_a_minute_are_recognised(string expression, bool expected) =>
        Assert.Equal(expected, TimerSchedule.Parse(expression).IsMoreFrequentThanOncePerMinute(Noon));

    [Fact]
    public void Setting_tokens_take_flat_setting_names_with_double_underscores()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Sweeps:PaymentDue:Schedule"] = "0 */10 * * * *", ["Prefix"] = "orders" })
            .Build();

        var catalog = new FunctionCatalog([typeof(SettingScheduledFunction), typeof(FiveFieldFunction)], configuration);

        var sweep = Assert.Single(catalog.TimerFunctions, f => f.Name == "PaymentDueSweep");
        Assert.Equal("0 */10 * * * *", sweep.Schedule.Expression);
        Assert.True(sweep.UseMonitor);
        Assert.False(sweep.RunOnStartup);
        var fiveFields = Assert.Single(catalog.TimerFunctions, f => f.Name == "FiveFields");
        Assert.False(fiveFields.UseMonitor);
        Assert.Same(sweep, catalog.FindTimer("paymentduesweep"));
        Assert.Null(catalog.FindTimer("NoSuchFunction"));
        Assert.Equal("orders-sms", SettingExpressions.Resolve("%Prefix%-sms", configuration, "test"));
    }

    [Fact]
    public void A_missing_setting_is_named_in_the_error()
    {
        var configuration = new ConfigurationBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => new FunctionCatalog([typeof(SettingScheduledFunction)], configuration));

        Assert.Contains("Sweeps__PaymentDue__Schedule", error.Message);
        Assert.Contains("PaymentDueSweep", error.Message);
    }

    [Fact]
    public void An_invalid_schedule_fails_discovery_naming_the_function()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new FunctionCatalog([typeof(BadScheduleFunction)], new ConfigurationBuilder().Build()));

        Assert.Contains(nameof(BadScheduleFunction), error.Message);
        Assert.Contains("not a schedule", error.Message);
    }

    [Fact]
    public void Queue_functions_take_their_queue_from_a_setting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ProbeQueue"] = "reminders-sms" }).Build();

        var queue = Assert.Single(new FunctionCatalog([typeof(ProbeQueueFunction)], configuration).QueueFunctions);

        Assert.Equal(new QueueFunctionDefinition("ProbeQueue", typeof(ProbeQueueFunction), "reminders-sms"), queue);
    }

    [Fact]
    public void An_invalid_queue_name_fails_discovery()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ProbeQueue"] = "Not_A_Queue" }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => new FunctionCatalog([typeof(ProbeQueueFunction)], configuration));

        Assert.Contains("ProbeQueue", error.Message);
    }
}

public sealed class TimerScheduleTimeZoneTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void Fields_are_read_in_the_zone_s_wall_clock()
    {
        var nineInShanghai = TimerSchedule.Parse("0 0 9 * * *").InZone(Shanghai);

        // 09:00 in Shanghai is 01:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 1, 6, 1, 0, 0, TimeSpan.Zero),
            nineInShanghai.GetNextOccurrence(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void A_time_the_clocks_skip_does_not_occur_that_day()
    {
        // 2026-03-08: New York skips 02:00 to 03:00.
        var half2 = TimerSchedule.Parse("0 30 2 * * *").InZone(NewYork);
        var before = new DateTimeOffset(2026, 3, 8, 0, 0, 0, TimeSpan.FromHours(-5));

        Assert.Equal(new DateTimeOffset(2026, 3, 9, 2, 30, 0, TimeSpan.FromHours(-4)), half2.GetNextOccurrence(before));
    }

    [Fact]
    public void A_time_the_clocks_repeat_occurs_once_at_its_first_showing()
    {
        // 2026-11-01: New York repeats 01:00 to 02:00 (first at -04:00, then at -05:00).
        var half1 = TimerSchedule.Parse("0 30 1 * * *").InZone(NewYork);
        var before = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(-4));

        var first = half1.GetNextOccurrence(before);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 1, 30, 0, TimeSpan.FromHours(-4)), first);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 1, 30, 0, TimeSpan.FromHours(-5)), half1.GetNextOccurrence(first));
    }
}
