using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Reminders.App.Hosting;

/// <summary>A timer function with its resolved schedule.</summary>
public sealed record TimerFunctionDefinition(string Name, Type Type, TimerSchedule Schedule, bool RunOnStartup, bool UseMonitor);

/// <summary>A queue function with its resolved queue name.</summary>
public sealed record QueueFunctionDefinition(string Name, Type Type, string QueueName);

/// <summary>
/// The timer and queue functions of the app assembly: classes implementing <see cref="ITimerFunction"/> or
/// <see cref="IQueueFunction"/>, named by <see cref="FunctionAttribute"/>, with their trigger attribute's
/// <c>%Setting%</c> tokens resolved from configuration.
/// </summary>
public sealed class FunctionCatalog
{
    public FunctionCatalog(IEnumerable<Type> types, IConfiguration configuration)
    {
        var timers = new List<TimerFunctionDefinition>();
        var queues = new List<QueueFunctionDefinition>();
        foreach (var type in types)
        {
            if (typeof(ITimerFunction).IsAssignableFrom(type)) timers.Add(DescribeTimer(type, configuration));
            if (typeof(IQueueFunction).IsAssignableFrom(type)) queues.Add(DescribeQueue(type, configuration));
        }

        var duplicate = timers.Select(t => t.Name).Concat(queues.Select(q => q.Name))
            .GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Two functions are named '{duplicate.Key}'.");

        TimerFunctions = timers;
        QueueFunctions = queues;
    }

    public IReadOnlyList<TimerFunctionDefinition> TimerFunctions { get; }

    public IReadOnlyList<QueueFunctionDefinition> QueueFunctions { get; }

    public TimerFunctionDefinition? FindTimer(string name) =>
        TimerFunctions.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Concrete classes of <paramref name="assembly"/> that are timer or queue functions.</summary>
    public static IEnumerable<Type> TriggeredFunctionTypes(Assembly assembly) =>
        assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }
            && (typeof(ITimerFunction).IsAssignableFrom(t) || typeof(IQueueFunction).IsAssignableFrom(t)));

    private static string NameOf(Type type) => type.GetCustomAttribute<FunctionAttribute>()?.Name ?? type.Name;

    private static TimerFunctionDefinition DescribeTimer(Type type, IConfiguration configuration)
    {
        var name = NameOf(type);
        var trigger = type.GetCustomAttribute<TimerTriggerAttribute>()
            ?? throw new InvalidOperationException($"{type.FullName} implements ITimerFunction but has no [TimerTrigger].");
        var expression = SettingExpressions.Resolve(trigger.Schedule, configuration, $"The schedule of function '{name}'");
        if (!TimerSchedule.TryParse(expression, out var schedule, out var error))
        {
            throw new InvalidOperationException($"The schedule of function '{name}' ({trigger.Schedule}) is invalid: {error}");
        }
        if (configuration[TimerSchedule.TimeZoneSetting] is { Length: > 0 } zoneName)
        {
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var zone))
            {
                throw new InvalidOperationException($"Setting {TimerSchedule.TimeZoneSetting} names no known time zone ('{zoneName}'); use an IANA name such as Asia/Shanghai.");
            }
            schedule = schedule.InZone(zone);
        }
        return new TimerFunctionDefinition(name, type, schedule, trigger.RunOnStartup, trigger.UseMonitor);
    }

    private static QueueFunctionDefinition DescribeQueue(Type type, IConfiguration configuration)
    {
        var name = NameOf(type);
        var trigger = type.GetCustomAttribute<QueueTriggerAttribute>()
            ?? throw new InvalidOperationException($"{type.FullName} implements IQueueFunction but has no [QueueTrigger].");
        var queueName = SettingExpressions.Resolve(trigger.QueueName, configuration, $"The queue of function '{name}'");
        try
        {
            Reminders.Storage.StorageNames.ValidateQueueName(queueName);
            Reminders.Storage.StorageNames.ValidateQueueName(queueName + PoisonSuffix);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"The queue of function '{name}' ({trigger.QueueName}) is invalid: {e.Message}", e);
        }
        return new QueueFunctionDefinition(name, type, queueName);
    }

    public const string PoisonSuffix = "-poison";
}
