namespace Reminders.App.Hosting;

/// <summary>The function's name, as the Functions host knows it (admin invoke, logs, locks).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class FunctionAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

public enum AuthorizationLevel
{
    Anonymous,
    /// <summary>Requires one of the Admin__Keys in x-functions-key (or ?code=).</summary>
    Admin,
}

/// <summary>
/// HTTP route of a function. Relative routes live under /api as in Azure Functions;
/// a route starting with '/' is served as is (the dashboard).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class HttpTriggerAttribute(AuthorizationLevel authLevel, params string[] methods) : Attribute
{
    public AuthorizationLevel AuthLevel { get; } = authLevel;
    public IReadOnlyList<string> Methods { get; } = methods;
    public required string Route { get; init; }

    /// <summary>One line for the OpenAPI document.</summary>
    public string? Summary { get; init; }
}

/// <summary>Six-field NCRONTAB schedule, or %Setting% naming the setting that holds it.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TimerTriggerAttribute(string schedule) : Attribute
{
    public string Schedule { get; } = schedule;
    public bool RunOnStartup { get; init; }
    public bool UseMonitor { get; init; } = true;
}

/// <summary>The queue a function listens to; %Setting% style names are resolved from settings.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class QueueTriggerAttribute(string queueName) : Attribute
{
    public string QueueName { get; } = queueName;
}
