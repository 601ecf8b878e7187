using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Reminders.TestSupport;

namespace Functions.LocalHost.Tests;

public sealed class PollingBackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100);

    /// <summary>The Functions host's formula, written out independently: 100 ms + rand[0.8, 1.2] * 2^(n-1) * 100 ms.</summary>
    private static TimeSpan Expected(double random, int n) =>
        TimeSpan.FromMilliseconds(100 + (0.8 + 0.4 * random) * Math.Pow(2, n - 1) * 100);

    private static void AssertClose(TimeSpan expected, TimeSpan actual) =>
        Assert.InRange(actual, expected - TimeSpan.FromMilliseconds(0.01), expected + TimeSpan.FromMilliseconds(0.01));

    /// <summary>Task.Delay hands the timer whole milliseconds.</summary>
    private static void AssertCloseToTheMillisecond(TimeSpan expected, TimeSpan actual) =>
        Assert.InRange(actual, expected - TimeSpan.FromMilliseconds(1), expected + TimeSpan.FromMilliseconds(1));

    [Fact]
    public void Empty_polls_grow_exponentially_with_jitter_up_to_the_maximum_and_messages_reset_it()
    {
        var max = TimeSpan.FromSeconds(2);
        var backoff = new PollingBackoff(Min, max, new Random(1234));
        var mirror = new Random(1234);

        // Before any message was found, the first empty poll waits the minimum and draws no random number.
        Assert.Equal(Min, backoff.NextDelay(foundMessages: false));
        for (var n = 1; n <= 3; n++) AssertClose(Expected(mirror.NextDouble(), n), backoff.NextDelay(foundMessages: false));

        Assert.Equal(Min, backoff.NextDelay(foundMessages: true));
        for (var n = 1; n <= 4; n++) AssertClose(Expected(mirror.NextDouble(), n), backoff.NextDelay(foundMessages: false));

        // 100 + rand * 16 * 100 ms is at least 1.38 s; 100 + rand * 32 * 100 ms is past 2 s: capped, and it stays there.
        var fifth = Expected(mirror.NextDouble(), 5);
        var actualFifth = backoff.NextDelay(foundMessages: false);
        if (fifth < max) AssertClose(fifth, actualFifth); else Assert.Equal(max, actualFifth);
        for (var i = 0; i < 5; i++) Assert.Equal(max, backoff.NextDelay(foundMessages: false));

        Assert.Equal(Min, backoff.NextDelay(foundMessages: true));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(2026)]
    public void Every_delay_lies_within_the_jitter_band(int seed)
    {
        var max = TimeSpan.FromMinutes(1);
        var backoff = new PollingBackoff(Min, max, new Random(seed));
        backoff.NextDelay(foundMessages: true);
        for (var n = 1; n <= 12; n++)
        {
            var delay = backoff.NextDelay(foundMessages: false);
            var low = Expected(0, n);
            var high = Expected(1, n);
            if (low >= max) Assert.Equal(max, delay);
            else Assert.InRange(delay, low, high < max ? high : max);
        }
    }

    [Fact]
    public async Task The_listener_waits_on_the_time_provider_for_the_back_off_delays()
    {
        var queueName = TestStorage.UniqueName("backoff");
        var queues = new QueueServiceClient(TestStorage.ConnectionString);
        await queues.GetQueueClient(queueName).CreateIfNotExistsAsync();
        var fake = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var time = new RecordingTimeProvider(fake);
        var options = new QueueTriggerOptions { MaxPollingInterval = TimeSpan.FromSeconds(2), MessageEncoding = QueueMessageEncoding.None };
        var probe = new QueueProbe();
        await using var services = new ServiceCollection().AddSingleton(probe).BuildServiceProvider();
        var function = new QueueFunction(FunctionCatalog.Discover(typeof(ProbeQueueFunction)).Functions[0], queueName);
        var listener = new QueueListener(function, queues, options, services.GetRequiredService<IServiceScopeFactory>(),
            new FunctionInvoker(NullLoggerFactory.Instance), time, new Random(99), NullLogger.Instance);
        var mirror = new Random(99);
        using var stop = new CancellationTokenSource();
        var running = listener.RunAsync(stop.Token);

        // The polls' waits, leaving out the 5-minute timer that keeps a running message hidden.
        var waits = new List<TimeSpan>();
        async Task<TimeSpan> NextWaitAsync()
        {
            await TestHost.WaitUntilAsync(() => time.Requested.Count(d => d != options.ReceiveVisibilityTimeout / 2) > waits.Count, "the listener waits");
            var wait = time.Requested.Where(d => d != options.ReceiveVisibilityTimeout / 2).ElementAt(waits.Count);
            waits.Add(wait);
            return wait;
        }

        Assert.Equal(Min, await NextWaitAsync());
        for (var n = 1; n <= 3; n++)
        {
            fake.Advance(waits[^1]);
            AssertCloseToTheMillisecond(Expected(mirror.NextDouble(), n), await NextWaitAsync());
        }

        await queues.GetQueueClient(queueName).SendMessageAsync("wake up");
        fake.Advance(waits[^1]);
        Assert.Equal(Min, await NextWaitAsync());
        await TestHost.WaitUntilAsync(() => !probe.Calls.IsEmpty, "the message is processed");
        fake.Advance(waits[^1]);
        AssertCloseToTheMillisecond(Expected(mirror.NextDouble(), 1), await NextWaitAsync());

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("wake up", Assert.Single(probe.Calls).Body.ToString());
    }

    /// <summary>Records every timer the code under test asks for, then lets the fake clock run it.</summary>
    private sealed class RecordingTimeProvider(FakeTimeProvider inner) : TimeProvider
    {
        private readonly ConcurrentQueue<TimeSpan> _requested = new();

        public IReadOnlyCollection<TimeSpan> Requested => _requested;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _requested.Enqueue(dueTime);
            return inner.CreateTimer(callback, state, dueTime, period);
        }
    }
}
