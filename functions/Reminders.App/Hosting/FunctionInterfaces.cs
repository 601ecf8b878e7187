using Microsoft.AspNetCore.Http;

namespace Reminders.App.Hosting;

/// <summary>An HTTP-triggered function; its route and methods come from <see cref="HttpTriggerAttribute"/>.</summary>
public interface IHttpFunction
{
    Task<IResult> RunAsync(HttpRequest request, CancellationToken cancellationToken);
}

/// <summary>A timer-triggered function; its schedule comes from <see cref="TimerTriggerAttribute"/>.</summary>
public interface ITimerFunction
{
    Task RunAsync(TimerInfo timer, CancellationToken cancellationToken);
}

/// <summary>A queue-triggered function; its queue comes from <see cref="QueueTriggerAttribute"/>.</summary>
public interface IQueueFunction
{
    Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken);
}

/// <summary>What a timer function is told about the occurrence it runs for, as in Azure Functions.</summary>
public sealed record TimerInfo(bool IsPastDue, DateTimeOffset? Last, DateTimeOffset? Next);

/// <summary>A decoded queue message as a queue function sees it.</summary>
public sealed record QueueTriggerMessage(
    string Id,
    string Text,
    long DequeueCount,
    DateTimeOffset? InsertedOn,
    DateTimeOffset? NextVisibleOn);
