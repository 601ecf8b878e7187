using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Reminders.App.Observability;
using Reminders.App.Orders;
using Reminders.App.Outcomes;

namespace Reminders.App.Tests.Outcomes;

/// <summary>What AddOutcomePublishing registers from the ServiceBus settings (no storage, no namespace: nothing connects).</summary>
public sealed class OutcomeRegistrationTests
{
    [Fact]
    public async Task Without_a_namespace_nothing_is_registered_and_the_timeline_observer_is_left_alone()
    {
        var observer = new RecordingObserver();
        var services = Services();
        services.AddSingleton<ITimelineObserver>(observer);

        services.AddOutcomePublishing(Configuration(new Dictionary<string, string?> { ["ServiceBus:Topic"] = "reminder-outcomes" }));

        await using var provider = services.BuildServiceProvider();
        Assert.Null(provider.GetService<ServiceBusClient>());
        Assert.DoesNotContain(provider.GetServices<IHostedService>(), s => s is OutcomePublisher);
        Assert.Same(observer, Assert.Single(provider.GetServices<ITimelineObserver>()));
    }

    [Fact]
    public async Task A_connection_string_in_ServiceBus_gives_a_client_for_its_namespace()
    {
        await using var provider = Build(new Dictionary<string, string?> { ["ServiceBus"] = OutcomeApp.ConnectionString });

        Assert.Equal("reminders-test.servicebus.windows.net", provider.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
        Assert.Equal(OutcomeSettings.DefaultTopic, provider.GetRequiredService<OutcomeSettings>().Topic);
    }

    [Fact]
    public async Task A_fully_qualified_namespace_with_a_managed_identity_gives_a_client_for_that_namespace()
    {
        await using var provider = Build(new Dictionary<string, string?>
        {
            ["ServiceBus:fullyQualifiedNamespace"] = "reminders-test.servicebus.windows.net",
            ["ServiceBus:credential"] = "managedidentity",
            ["ServiceBus:clientId"] = "00000000-0000-0000-0000-000000000001",
            ["ServiceBus:Topic"] = "orders/outcomes",
        });

        Assert.Equal("reminders-test.servicebus.windows.net", provider.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
        Assert.Equal("orders/outcomes", provider.GetRequiredService<OutcomeSettings>().Topic);
    }

    [Fact]
    public void A_malformed_connection_string_stops_the_app_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(new Dictionary<string, string?> { ["ServiceBus"] = "not a connection string" }));

        Assert.StartsWith("Setting ServiceBus ", error.Message);
    }

    [Fact]
    public void An_invalid_topic_name_stops_the_app_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(new Dictionary<string, string?>
        {
            ["ServiceBus"] = OutcomeApp.ConnectionString,
            ["ServiceBus:Topic"] = "outcomes?",
        }));

        Assert.StartsWith("Setting ServiceBus__Topic ", error.Message);
    }

    [Fact]
    public async Task The_observer_registered_before_is_still_told_and_the_finishing_reminders_are_queued()
    {
        var observer = new RecordingObserver();
        var services = Services();
        services.AddSingleton<ITimelineObserver>(observer);
        services.AddOutcomePublishing(Configuration(new Dictionary<string, string?> { ["ServiceBus"] = OutcomeApp.ConnectionString }));
        await using var provider = services.BuildServiceProvider();
        var now = DateTimeOffset.UtcNow;

        provider.GetServices<ITimelineObserver>().ToList().NotifySafely("SO-1",
        [
            new TimelineEntry(now, TimelineTypes.Enqueued) { ReminderId = "payment_due.1" },
            new TimelineEntry(now, TimelineTypes.Sent) { ReminderId = "payment_due.2" },
            new TimelineEntry(now, TimelineTypes.Failed) { ReminderId = "payment_due.3" },
        ]);

        Assert.Equal(3, Assert.Single(observer.Calls).Count);
        var queue = provider.GetRequiredService<OutcomeQueue>();
        Assert.True(queue.Reader.TryRead(out var first));
        Assert.True(queue.Reader.TryRead(out var second));
        Assert.False(queue.Reader.TryRead(out _));
        Assert.Equal([new ReminderKey("SO-1", "payment_due.2"), new ReminderKey("SO-1", "payment_due.3")], [first, second]);
    }

    [Fact]
    public void An_observer_that_throws_does_not_keep_the_next_from_being_told()
    {
        var second = new RecordingObserver();
        List<ITimelineObserver> observers = [new ThrowingObserver(), second];

        observers.NotifySafely("SO-1", [new TimelineEntry(DateTimeOffset.UtcNow, TimelineTypes.Sent) { ReminderId = "payment_due.1" }]);

        Assert.Single(second.Calls);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        Services().AddOutcomePublishing(Configuration(settings)).BuildServiceProvider();

    private static ServiceCollection Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        return services;
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private sealed class RecordingObserver : ITimelineObserver
    {
        public List<IReadOnlyList<TimelineEntry>> Calls { get; } = [];

        public void OnTimelineWritten(string orderId, IReadOnlyList<TimelineEntry> entries) => Calls.Add(entries);
    }

    private sealed class ThrowingObserver : ITimelineObserver
    {
        public void OnTimelineWritten(string orderId, IReadOnlyList<TimelineEntry> entries) => throw new InvalidOperationException("broken");
    }
}
