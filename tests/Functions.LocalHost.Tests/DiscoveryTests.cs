using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;

namespace Functions.LocalHost.Tests;

public sealed class DiscoveryTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();

    private static InvalidOperationException DiscoveryError(Type type) =>
        Assert.Throws<InvalidOperationException>(() => FunctionCatalog.Discover(type));

    [Fact]
    public void An_http_function_is_described_as_its_attributes_say()
    {
        var hello = FunctionCatalog.Discover(typeof(HttpFunctions)).Find("hello")!;

        Assert.Equal(
            ("Hello", "Functions.LocalHost.Tests.HttpFunctions.Hello", TriggerType.HttpTrigger, "hello/{name}", AuthorizationLevel.Anonymous, "request"),
            (hello.Name, hello.EntryPoint, hello.TriggerType, hello.Route, hello.AuthLevel, hello.TriggerParameter.Name));
        Assert.Equal(["get"], hello.HttpMethods);
    }

    [Fact]
    public void An_http_function_without_route_or_methods_keeps_them_unset()
    {
        var noRoute = FunctionCatalog.Discover(typeof(HttpFunctions)).Find("NoRoute")!;

        Assert.Equal((null, AuthorizationLevel.Anonymous), (noRoute.Route, noRoute.AuthLevel));
        Assert.True(noRoute.HttpMethods is null or { Count: 0 });
    }

    [Fact]
    public void Timer_and_queue_functions_keep_their_schedule_and_queue_as_written()
    {
        var catalog = FunctionCatalog.Discover(typeof(SettingScheduledFunction), typeof(FiveFieldFunction), typeof(DailyOnStartupFunction), typeof(ProbeQueueFunction));

        var sweep = catalog.Find("PaymentDueSweep")!;
        Assert.Equal((TriggerType.TimerTrigger, "%Sweeps__PaymentDue__Schedule%", false, true), (sweep.TriggerType, sweep.Schedule, sweep.RunOnStartup, sweep.UseMonitor));
        Assert.Equal(("*/5 * * * *", false), (catalog.Find("FiveFields")!.Schedule, catalog.Find("FiveFields")!.UseMonitor));
        Assert.True(catalog.Find("DailyOnStartup")!.RunOnStartup);
        var queue = catalog.Find("ProbeQueue")!;
        Assert.Equal((TriggerType.QueueTrigger, "%ProbeQueue%", null, "Functions.LocalHost.Tests.ProbeQueueFunction.Run"),
            (queue.TriggerType, queue.QueueName, queue.Connection, queue.EntryPoint));
    }

    [Fact]
    public void Discovering_an_assembly_stops_at_a_broken_function_naming_it()
    {
        // The test assembly holds deliberately broken functions.
        var error = Assert.Throws<InvalidOperationException>(() => FunctionCatalog.Discover(typeof(DiscoveryTests).Assembly));

        Assert.StartsWith("Function '", error.Message);
    }

    [Fact]
    public void A_method_with_a_trigger_but_no_Function_attribute_is_not_a_function() =>
        Assert.Empty(FunctionCatalog.Discover(typeof(NotAFunction)).Functions);

    [Fact]
    public void Setting_tokens_take_flat_setting_names_with_double_underscores()
    {
        var configuration = Settings(("Sweeps:PaymentDue:Schedule", "0 */10 * * * *"), ("Prefix", "orders"));

        var timer = Assert.Single(FunctionCatalog.Discover(typeof(SettingScheduledFunction)).ResolveTimers(configuration, new TimerTriggerOptions()));

        Assert.Equal("0 */10 * * * *", timer.Schedule.Expression);
        Assert.Equal("orders-sms", FunctionsConfiguration.ResolveSettings("%Prefix%-sms", configuration, "test"));
    }

    [Fact]
    public void Schedules_are_read_in_the_zone_of_WEBSITE_TIME_ZONE()
    {
        var configuration = Settings(("Sweeps:PaymentDue:Schedule", "0 0 9 * * *"), ("WEBSITE_TIME_ZONE", "Asia/Shanghai"));

        var timer = Assert.Single(FunctionCatalog.Discover(typeof(SettingScheduledFunction)).ResolveTimers(configuration, TimerTriggerOptions.Load(configuration)));

        Assert.Equal("Asia/Shanghai", timer.Schedule.Zone.Id);
    }

    [Fact]
    public void A_missing_setting_is_named_in_the_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            FunctionCatalog.Discover(typeof(SettingScheduledFunction)).ResolveTimers(Settings(), new TimerTriggerOptions()));

        Assert.Equal("The schedule of function 'PaymentDueSweep' uses the setting 'Sweeps__PaymentDue__Schedule' (%Sweeps__PaymentDue__Schedule%), which is not set.", error.Message);
    }

    [Fact]
    public void An_invalid_schedule_fails_naming_the_function()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            FunctionCatalog.Discover(typeof(BadScheduleFunction)).ResolveTimers(Settings(), new TimerTriggerOptions()));

        Assert.Contains("'BadSchedule'", error.Message);
        Assert.Contains("not a schedule", error.Message);
    }

    [Fact]
    public void Queue_functions_take_their_queue_from_a_setting()
    {
        var queue = Assert.Single(FunctionCatalog.Discover(typeof(ProbeQueueFunction)).ResolveQueues(Settings(("ProbeQueue", "reminders-sms"))));

        Assert.Equal(("ProbeQueue", "reminders-sms"), (queue.Name, queue.QueueName));
    }

    [Fact]
    public void An_invalid_queue_name_fails_naming_the_function()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            FunctionCatalog.Discover(typeof(ProbeQueueFunction)).ResolveQueues(Settings(("ProbeQueue", "Not_A_Queue"))));

        Assert.Contains("'ProbeQueue'", error.Message);
        Assert.Contains("Not_A_Queue", error.Message);
    }

    [Fact]
    public void A_FunctionContext_parameter_fails_discovery_naming_the_function_and_parameter()
    {
        var error = DiscoveryError(typeof(FunctionContextFunction));

        Assert.StartsWith("Function 'WantsContext' (Functions.LocalHost.Tests.FunctionContextFunction.Run) has parameter 'context' (FunctionContext)", error.Message);
    }

    [Fact]
    public void A_parameter_that_is_not_a_route_parameter_fails_discovery() =>
        Assert.Contains("parameter 'other'", DiscoveryError(typeof(UnknownParameterFunction)).Message);

    [Fact]
    public void A_timer_trigger_that_is_not_TimerInfo_fails_discovery() =>
        Assert.Contains("TimerInfo only", DiscoveryError(typeof(WrongTriggerTypeFunction)).Message);

    [Fact]
    public void A_queue_function_with_a_return_value_fails_discovery_as_there_are_no_output_bindings() =>
        Assert.Contains("no output bindings", DiscoveryError(typeof(QueueOutputFunction)).Message);

    [Fact]
    public void A_queue_trigger_on_another_connection_fails_discovery() =>
        Assert.Contains("'OtherStorage'", DiscoveryError(typeof(OtherConnectionFunction)).Message);

    [Fact]
    public void Two_functions_of_one_name_fail_discovery()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionCatalog.Discover(typeof(HttpFunctions), typeof(DuplicateNameFunction)));

        Assert.StartsWith("Two functions are named 'Hello'", error.Message);
    }
}
