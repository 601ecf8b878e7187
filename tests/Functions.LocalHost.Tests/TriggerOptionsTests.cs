using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Functions.LocalHost.Tests;

public sealed class TriggerOptionsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();

    [Fact]
    public void Queue_defaults_are_those_of_the_functions_host()
    {
        var options = QueueTriggerOptions.Load(Settings());

        Assert.Equal(16, options.BatchSize);
        Assert.Equal(16 / 2 * Environment.ProcessorCount, options.NewBatchThreshold);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MaxPollingInterval);
        Assert.Equal(TimeSpan.Zero, options.VisibilityTimeout);
        Assert.Equal(5, options.MaxDequeueCount);
        Assert.Equal(QueueMessageEncoding.Base64, options.MessageEncoding);
        Assert.Equal(TimeSpan.FromMinutes(10), options.ReceiveVisibilityTimeout);
    }

    [Fact]
    public void Queue_settings_are_read_from_the_host_json_section()
    {
        var options = QueueTriggerOptions.Load(Settings(
            ("AzureFunctionsJobHost:extensions:queues:batchSize", "32"),
            ("AzureFunctionsJobHost:extensions:queues:maxPollingInterval", "00:00:02"),
            ("AzureFunctionsJobHost:extensions:queues:visibilityTimeout", "00:00:30"),
            ("AzureFunctionsJobHost:extensions:queues:maxDequeueCount", "3"),
            ("AzureFunctionsJobHost:extensions:queues:messageEncoding", "None")));

        Assert.Equal(32, options.BatchSize);
        Assert.Equal(16 * Environment.ProcessorCount, options.NewBatchThreshold);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MaxPollingInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), options.VisibilityTimeout);
        Assert.Equal(3, options.MaxDequeueCount);
        Assert.Equal(QueueMessageEncoding.None, options.MessageEncoding);
    }

    [Fact]
    public void The_receive_visibility_can_be_shortened_for_fault_injection_runs() =>
        Assert.Equal(TimeSpan.FromSeconds(20), QueueTriggerOptions.Load(Settings(("LocalHost:QueueReceiveVisibility", "00:00:20"))).ReceiveVisibilityTimeout);

    [Fact]
    public void Every_invalid_queue_setting_is_reported_by_name()
    {
        var error = Assert.Throws<OptionsValidationException>(() => QueueTriggerOptions.Load(Settings(
            ("AzureFunctionsJobHost:extensions:queues:batchSize", "64"),
            ("AzureFunctionsJobHost:extensions:queues:newBatchThreshold", "-1"),
            ("AzureFunctionsJobHost:extensions:queues:maxPollingInterval", "00:00:00.050"),
            ("AzureFunctionsJobHost:extensions:queues:visibilityTimeout", "soon"),
            ("AzureFunctionsJobHost:extensions:queues:maxDequeueCount", "0"),
            ("AzureFunctionsJobHost:extensions:queues:messageEncoding", "utf8"),
            ("LocalHost:QueueReceiveVisibility", "00:00:00"))));

        Assert.Equal(7, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.StartsWith("AzureFunctionsJobHost:extensions:queues:batchSize (AzureFunctionsJobHost__extensions__queues__batchSize) must be between 1 and 32", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("newBatchThreshold", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("maxPollingInterval", StringComparison.Ordinal) && f.Contains("00:00:00.1000000", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("visibilityTimeout", StringComparison.Ordinal) && f.Contains("'soon'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("maxDequeueCount", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("messageEncoding", StringComparison.Ordinal) && f.Contains("'utf8'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("LocalHost:QueueReceiveVisibility (LocalHost__QueueReceiveVisibility)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("batchSize", "0")]
    [InlineData("batchSize", "33")]
    [InlineData("batchSize", "sixteen")]
    [InlineData("maxPollingInterval", "00:00:00.099")]
    [InlineData("visibilityTimeout", "-00:00:01")]
    [InlineData("visibilityTimeout", "8.00:00:00")]
    public void A_single_bad_queue_setting_stops_start_up(string name, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            QueueTriggerOptions.Load(Settings(($"AzureFunctionsJobHost:extensions:queues:{name}", value))));

        Assert.Contains(error.Failures, f => f.Contains($"queues:{name}", StringComparison.Ordinal));
    }

    [Fact]
    public void Timer_defaults()
    {
        var defaults = TimerTriggerOptions.Load(Settings());

        Assert.Equal((TimerTriggerOptions.DefaultHostId, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), TimeZoneInfo.Utc),
            (defaults.HostId, defaults.ListenerLockPeriod, defaults.ListenerLockRecoveryPollingInterval, defaults.TimeZone));
    }

    [Fact]
    public void Timer_settings_come_from_the_host_id_host_json_singleton_and_WEBSITE_TIME_ZONE()
    {
        var configured = TimerTriggerOptions.Load(Settings(
            ("AzureFunctionsWebHost:hostid", "reminders-staging"),
            ("AzureFunctionsJobHost:singleton:listenerLockPeriod", "00:00:15"),
            ("AzureFunctionsJobHost:singleton:listenerLockRecoveryPollingInterval", "00:00:00.500"),
            ("WEBSITE_TIME_ZONE", "Asia/Shanghai")));

        Assert.Equal(("reminders-staging", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(500), "Asia/Shanghai"),
            (configured.HostId, configured.ListenerLockPeriod, configured.ListenerLockRecoveryPollingInterval, configured.TimeZone.Id));
    }

    [Fact]
    public void Invalid_timer_settings_are_reported_by_name()
    {
        var error = Assert.Throws<OptionsValidationException>(() => TimerTriggerOptions.Load(Settings(
            ("AzureFunctionsWebHost:hostid", "Reminders_Host"),
            ("AzureFunctionsJobHost:singleton:listenerLockPeriod", "00:00:10"),
            ("AzureFunctionsJobHost:singleton:listenerLockRecoveryPollingInterval", "00:00:00"),
            ("WEBSITE_TIME_ZONE", "Mars/Olympus_Mons"))));

        Assert.Equal(4, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("AzureFunctionsWebHost__hostid", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("listenerLockPeriod", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("listenerLockRecoveryPollingInterval", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("WEBSITE_TIME_ZONE", StringComparison.Ordinal) && f.Contains("Mars/Olympus_Mons", StringComparison.Ordinal));
    }
}
