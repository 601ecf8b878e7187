using System.Collections.Concurrent;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Functions.LocalHost.Tests;

// Functions the tests run, declared with the real worker attributes. Each test host is given only the classes it
// needs (FunctionCatalog.Discover(types)), so the deliberately broken ones below stay out of the others' way.

/// <summary>What the queue test function was called with, and what it does; one per test.</summary>
public sealed class QueueProbe
{
    public ConcurrentQueue<QueueMessage> Calls { get; } = new();

    public Func<QueueMessage, CancellationToken, Task> Behavior { get; set; } = (_, _) => Task.CompletedTask;
}

public sealed class ProbeQueueFunction(QueueProbe probe)
{
    [Function("ProbeQueue")]
    public async Task Run([QueueTrigger("%ProbeQueue%")] QueueMessage message, CancellationToken cancellationToken)
    {
        probe.Calls.Enqueue(message);
        await probe.Behavior(message, cancellationToken);
    }
}

public sealed record OrderMessage(string OrderId, int Attempt);

/// <summary>Every value a queue function was given, whatever its trigger type.</summary>
public sealed class Received
{
    public ConcurrentQueue<object?> Values { get; } = new();
}

public sealed class TypedQueueFunctions(Received received)
{
    [Function("AsRecord")]
    public void AsRecord([QueueTrigger("%RecordQueue%")] OrderMessage message) => received.Values.Enqueue(message);

    [Function("AsBinary")]
    public ValueTask AsBinary([QueueTrigger("%BinaryQueue%")] BinaryData message)
    {
        received.Values.Enqueue(message.ToString());
        return ValueTask.CompletedTask;
    }

    [Function("AsString")]
    public static Task AsString([QueueTrigger("%StringQueue%")] string message, CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed record TimerCall(string Instance, TimerInfo Timer, DateTimeOffset At);

/// <summary>What the timer test functions were called with; shared by the hosts of one test.</summary>
public sealed class TimerProbe
{
    public ConcurrentQueue<TimerCall> Calls { get; } = new();

    public Func<TimerInfo, CancellationToken, Task> Behavior { get; set; } = (_, _) => Task.CompletedTask;
}

/// <summary>Names the host instance a timer function ran on.</summary>
public sealed record InstanceName(string Value);

public sealed class EverySecondFunction(TimerProbe probe, InstanceName instance)
{
    [Function("EverySecond")]
    public Task Run([TimerTrigger("%EverySecondSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        probe.Calls.Enqueue(new TimerCall(instance.Value, timer, DateTimeOffset.UtcNow));
        return probe.Behavior(timer, cancellationToken);
    }
}

public sealed class HourlyFunction(TimerProbe probe, InstanceName instance)
{
    [Function("Hourly")]
    public Task Run([TimerTrigger("0 0 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        probe.Calls.Enqueue(new TimerCall(instance.Value, timer, DateTimeOffset.UtcNow));
        return probe.Behavior(timer, cancellationToken);
    }
}

public sealed class DailyOnStartupFunction(TimerProbe probe, InstanceName instance)
{
    [Function("DailyOnStartup")]
    public Task Run([TimerTrigger("0 30 2 * * *", RunOnStartup = true)] TimerInfo timer, CancellationToken cancellationToken)
    {
        probe.Calls.Enqueue(new TimerCall(instance.Value, timer, DateTimeOffset.UtcNow));
        return probe.Behavior(timer, cancellationToken);
    }
}

public static class SettingScheduledFunction
{
    [Function("PaymentDueSweep")]
    public static void Run([TimerTrigger("%Sweeps__PaymentDue__Schedule%")] TimerInfo timer)
    {
    }
}

public static class FiveFieldFunction
{
    [Function("FiveFields")]
    public static void Run([TimerTrigger("*/5 * * * *", UseMonitor = false)] TimerInfo timer)
    {
    }
}

public static class BadScheduleFunction
{
    [Function("BadSchedule")]
    public static void Run([TimerTrigger("not a schedule")] TimerInfo timer)
    {
    }
}

/// <summary>A scoped service with an identity, to tell invocations' scopes apart.</summary>
public sealed class PerInvocation
{
    public Guid Id { get; } = Guid.NewGuid();
}

public sealed record Greeting(string Text, int Number);

public sealed class HttpFunctions(PerInvocation first, PerInvocation second)
{
    [Function("Hello")]
    public IResult Hello([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "hello/{name}")] HttpRequest request, string name) =>
        TypedResults.Ok(new Greeting($"Hello {name}", 0));

    [Function("Square")]
    public Task<IResult> Square([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "square/{number}")] HttpRequest request, int number) =>
        Task.FromResult<IResult>(TypedResults.Ok(number * number));

    [Function("Orders")]
    public Greeting Orders([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orders/{id:guid}/{page?}")] HttpRequest request, Guid id, int? page) =>
        new(id.ToString(), page ?? -1);

    [Function("Action")]
    public async ValueTask<IActionResult> Action([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "action")] HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        return new OkObjectResult(new Greeting(await reader.ReadToEndAsync(), 1));
    }

    [Function("Scopes")]
    public IResult Scopes([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scopes")] HttpRequest request) =>
        TypedResults.Ok(new[] { first.Id, second.Id });

    [Function("Secret")]
    public IResult Secret([HttpTrigger(AuthorizationLevel.Function, "get", Route = "secret")] HttpRequest request) => TypedResults.Ok("secret");

    [Function("AdminOnly")]
    public IResult AdminOnly([HttpTrigger(AuthorizationLevel.Admin, "get", "post", Route = "admin-only")] HttpRequest request) => TypedResults.Ok("admin");

    [Function("NoRoute")]
    public void NoRoute([HttpTrigger(AuthorizationLevel.Anonymous)] HttpRequest request) => request.HttpContext.Response.StatusCode = StatusCodes.Status204NoContent;

    [Function("Cancelled")]
    public async Task<IResult> Cancelled([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cancelled")] HttpRequest request, CancellationToken cancellationToken)
    {
        var aborted = request.HttpContext.RequestAborted;
        await Task.Yield();
        return TypedResults.Ok(cancellationToken == aborted);
    }

    [Function("Throws")]
    public IResult Throws([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "throws")] HttpRequest request) =>
        throw new InvalidOperationException("the function failed");
}

public static class FunctionContextFunction
{
    [Function("WantsContext")]
    public static void Run([TimerTrigger("0 0 * * * *")] TimerInfo timer, FunctionContext context)
    {
    }
}

public static class UnknownParameterFunction
{
    [Function("UnknownParameter")]
    public static IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "items/{id}")] HttpRequest request, string other) => TypedResults.Ok();
}

public static class WrongTriggerTypeFunction
{
    [Function("WrongTriggerType")]
    public static void Run([TimerTrigger("0 0 * * * *")] string timer)
    {
    }
}

public static class QueueOutputFunction
{
    [Function("QueueOutput")]
    public static string Run([QueueTrigger("in")] string message) => message;
}

public static class NotAFunction
{
    public static void Run([TimerTrigger("0 0 * * * *")] TimerInfo timer)
    {
    }
}

public static class DuplicateNameFunction
{
    [Function("hello")]
    public static void Run([TimerTrigger("0 0 * * * *")] TimerInfo timer)
    {
    }
}

public static class OtherConnectionFunction
{
    [Function("OtherConnection")]
    public static void Run([QueueTrigger("orders", Connection = "OtherStorage")] string message)
    {
    }
}
