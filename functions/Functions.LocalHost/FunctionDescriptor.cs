using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Functions.LocalHost;

/// <summary>The triggers the local host runs; named as the trigger binding types of functions.metadata.</summary>
public enum TriggerType
{
    HttpTrigger,
    TimerTrigger,
    QueueTrigger,
}

/// <summary>
/// A function as read from its worker attributes, with the trigger's fields as written (<c>%Setting%</c> not yet
/// resolved), so that it can be compared with the functions.metadata that the Worker Sdk writes.
/// </summary>
public sealed record FunctionDescriptor
{
    /// <summary>The <c>[Function]</c> name: routes, admin API, logs, lock and status blobs.</summary>
    public required string Name { get; init; }

    /// <summary><c>Namespace.Class.Method</c>.</summary>
    public required string EntryPoint { get; init; }

    public required MethodInfo Method { get; init; }

    public required TriggerType TriggerType { get; init; }

    /// <summary>The parameter that carries the trigger attribute.</summary>
    public required ParameterInfo TriggerParameter { get; init; }

    /// <summary>HTTP: the route as written (null means the function's name), relative to the route prefix.</summary>
    public string? Route { get; init; }

    /// <summary>HTTP: the methods as written; null or empty means every method.</summary>
    public IReadOnlyList<string>? HttpMethods { get; init; }

    public AuthorizationLevel? AuthLevel { get; init; }

    /// <summary>Timer: the NCRONTAB expression or <c>%Setting%</c>, as written.</summary>
    public string? Schedule { get; init; }

    public bool RunOnStartup { get; init; }

    public bool UseMonitor { get; init; }

    /// <summary>Queue: the queue name or <c>%Setting%</c>, as written.</summary>
    public string? QueueName { get; init; }

    /// <summary>Queue: the connection setting's name as written (null: AzureWebJobsStorage).</summary>
    public string? Connection { get; init; }
}
