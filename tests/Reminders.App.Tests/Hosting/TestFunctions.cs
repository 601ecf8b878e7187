using System.Collections.Concurrent;
using Reminders.App.Hosting;

namespace Reminders.App.Tests.Hosting;

/// <summary>What the queue test functions were called with, and what they do; one per test.</summary>
public sealed class QueueProbe
{
    public ConcurrentQueue<QueueTriggerMessage> Calls { get; } = new();

    public Func<QueueTriggerMessage, CancellationToken, Task> Behavior { get; set; } = (_, _) => Task.CompletedTask;
}

[Function("ProbeQueue")]
[QueueTrigger("%ProbeQueue%")]
public sealed class ProbeQueueFunction(QueueProbe probe) : IQueueFunction
{
    public async Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        probe.Calls.Enqueue(message);
        await probe.Behavior(message, cancellationToken);
    }
}

public sealed class RecordingPoisonObserver : IPoisonMessageObserver
{
    public ConcurrentQueue<PoisonedQueueMessage> Poisoned { get; } = new();

    public Task OnMessagePoisonedAsync(PoisonedQueueMessage message, CancellationToken cancellationToken)
    {
        Poisoned.Enqueue(message);
        return Task.CompletedTask;
    }
}

public sealed record TimerCall(string Instance, TimerInfo Timer);

/// <summary>What the timer test functions were called with; shared by the hosts of one test.</summary>
public sealed class TimerProbe
{
    public ConcurrentQueue<TimerCall> Calls { get; } = new();

    public Func<TimerInfo, CancellationToken, Task> Behavior { get; set; } = (_, _) => Task.CompletedTask;
}

/// <summary>Names the host instance a timer function ran on.</summary>
public sealed record InstanceName(string Value);

[Function("EverySecond")]
[TimerTrigger("%EverySecondSchedule%")]
public sealed class EverySecondFunction(TimerProbe probe, InstanceName instance) : ITimerFunction
{
    public Task RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        probe.Calls.Enqueue(new TimerCall(instance.Value, timer));
        return probe.Behavior(timer, cancellationToken);
    }
}

[Function("Hourly")]
[TimerTrigger("0 0 * * * *")]
public sealed class HourlyFunction(TimerProbe probe, InstanceName instance) : ITimerFunction
{
    public Task RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        probe.Calls.Enqueue(new TimerCall(instance.Value, timer));
        return probe.Behavior(timer, cancellationToken);
    }
}

[Function("DailyOnStartup")]
[TimerTrigger("0 30 2 * * *", RunOnStartup = true)]
public sealed class DailyOnStartupFunction(TimerProbe probe, InstanceName instance) : ITimerFunction
{
    public Task RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        probe.Calls.Enqueue(new TimerCall(instance.Value, timer));
        return probe.Behavior(timer, cancellationToken);
    }
}

[Function("PaymentDueSweep")]
[TimerTrigger("%Sweeps__PaymentDue__Schedule%")]
public sealed class SettingScheduledFunction : ITimerFunction
{
    public Task RunAsync(TimerInfo timer, CancellationToken cancellationToken) => Task.CompletedTask;
}

[Function("FiveFields")]
[TimerTrigger("*/5 * * * *", UseMonitor = false)]
public sealed class FiveFieldFunction : ITimerFunction
{
    public Task RunAsync(TimerInfo timer, CancellationToken cancellationToken) => Task.CompletedTask;
}

[TimerTrigger("not a schedule")]
public sealed class BadScheduleFunction : ITimerFunction
{
    public Task RunAsync(TimerInfo timer, CancellationToken cancellationToken) => Task.CompletedTask;
}
