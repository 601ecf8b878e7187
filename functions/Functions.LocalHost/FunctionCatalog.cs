using System.ComponentModel;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;

namespace Functions.LocalHost;

/// <summary>
/// The functions of an assembly, found as the Worker Sdk finds them: public methods with <c>[Function(name)]</c>
/// whose trigger parameter carries <c>[HttpTrigger]</c>, <c>[TimerTrigger]</c> or <c>[QueueTrigger]</c>. Every other
/// parameter must be a <see cref="CancellationToken"/> or (HTTP) a route parameter; anything else fails discovery
/// naming the function, as does a second function of the same name.
/// </summary>
public sealed class FunctionCatalog
{
    private FunctionCatalog(IReadOnlyList<FunctionDescriptor> functions) => Functions = functions;

    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    public static FunctionCatalog Discover(Assembly assembly) => Discover(assembly.GetExportedTypes());

    /// <summary>The functions declared by <paramref name="types"/>.</summary>
    public static FunctionCatalog Discover(params IEnumerable<Type> types)
    {
        var functions = new List<FunctionDescriptor>();
        foreach (var type in types.Where(t => t is { IsClass: true, IsGenericTypeDefinition: false }))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is { } function) functions.Add(Describe(function.Name, method));
            }
        }
        var duplicate = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two functions are named '{duplicate.Key}': {string.Join(", ", duplicate.Select(f => f.EntryPoint))}.");
        }
        return new FunctionCatalog(functions);
    }

    public FunctionDescriptor? Find(string name) =>
        Functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The timer functions with their schedules resolved from settings and read in the options' zone.</summary>
    internal IReadOnlyList<TimerFunction> ResolveTimers(IConfiguration configuration, TimerTriggerOptions options) =>
        Functions.Where(f => f.TriggerType == TriggerType.TimerTrigger).Select(f =>
        {
            var expression = FunctionsConfiguration.ResolveSettings(f.Schedule!, configuration, $"The schedule of function '{f.Name}'");
            if (!TimerSchedule.TryParse(expression, out var schedule, out var error))
            {
                throw new InvalidOperationException($"The schedule of function '{f.Name}' ({f.Schedule}) is invalid: {error}");
            }
            return new TimerFunction(f, schedule.InZone(options.TimeZone));
        }).ToList();

    /// <summary>The queue functions with their queue names resolved from settings.</summary>
    internal IReadOnlyList<QueueFunction> ResolveQueues(IConfiguration configuration) =>
        Functions.Where(f => f.TriggerType == TriggerType.QueueTrigger).Select(f =>
        {
            var queueName = FunctionsConfiguration.ResolveSettings(f.QueueName!, configuration, $"The queue of function '{f.Name}'");
            if (!IsValidQueueName(queueName + QueueFunction.PoisonSuffix))
            {
                throw new InvalidOperationException(
                    $"The queue of function '{f.Name}' ({f.QueueName}) is '{queueName}': a queue name is 3 to 63 lower-case letters, digits and single dashes, and leaves room for '-poison'.");
            }
            return new QueueFunction(f, queueName);
        }).ToList();

    private static FunctionDescriptor Describe(string name, MethodInfo method)
    {
        var entryPoint = $"{method.DeclaringType!.FullName!.Replace('+', '.')}.{method.Name}";
        string Fail(string problem) => throw new InvalidOperationException($"Function '{name}' ({entryPoint}) {problem}");

        var triggers = method.GetParameters()
            .Select(p => (Parameter: p, Attribute: p.GetCustomAttributes().FirstOrDefault(a => a is HttpTriggerAttribute or TimerTriggerAttribute or QueueTriggerAttribute)))
            .Where(t => t.Attribute is not null)
            .ToList();
        if (triggers.Count != 1) Fail("must have exactly one parameter with [HttpTrigger], [TimerTrigger] or [QueueTrigger]; the local host runs no other trigger.");
        var (trigger, attribute) = triggers[0];

        var descriptor = attribute switch
        {
            HttpTriggerAttribute http => new FunctionDescriptor
            {
                Name = name, EntryPoint = entryPoint, Method = method, TriggerType = TriggerType.HttpTrigger, TriggerParameter = trigger,
                Route = http.Route, HttpMethods = http.Methods, AuthLevel = http.AuthLevel,
            },
            TimerTriggerAttribute timer => new FunctionDescriptor
            {
                Name = name, EntryPoint = entryPoint, Method = method, TriggerType = TriggerType.TimerTrigger, TriggerParameter = trigger,
                Schedule = timer.Schedule, RunOnStartup = timer.RunOnStartup, UseMonitor = timer.UseMonitor,
            },
            QueueTriggerAttribute queue => new FunctionDescriptor
            {
                Name = name, EntryPoint = entryPoint, Method = method, TriggerType = TriggerType.QueueTrigger, TriggerParameter = trigger,
                QueueName = queue.QueueName, Connection = queue.Connection,
            },
            _ => throw new InvalidOperationException("Unreachable."),
        };

        var triggerError = descriptor.TriggerType switch
        {
            TriggerType.HttpTrigger when trigger.ParameterType != typeof(HttpRequest) => "takes its HTTP trigger as HttpRequest only",
            TriggerType.TimerTrigger when trigger.ParameterType != typeof(TimerInfo) => "takes its timer trigger as TimerInfo only",
            TriggerType.QueueTrigger when descriptor.Connection is { Length: > 0 } connection && connection != "AzureWebJobsStorage" =>
                $"reads its queue through connection '{connection}'; the local host serves the one storage account of AzureWebJobsStorage",
            _ => null,
        };
        if (triggerError is not null) Fail(triggerError + ".");
        if (descriptor.TriggerType != TriggerType.HttpTrigger && !IsAwaitableWithoutResult(method.ReturnType))
        {
            Fail($"returns {method.ReturnType.Name}; timer and queue functions return void, Task or ValueTask here (no output bindings).");
        }

        var routeParameters = descriptor.TriggerType == TriggerType.HttpTrigger ? RouteParameters(descriptor, Fail) : [];
        foreach (var parameter in method.GetParameters().Where(p => p != trigger && p.ParameterType != typeof(CancellationToken)))
        {
            if (!routeParameters.Contains(parameter.Name!) || !CanConvertFromString(parameter.ParameterType))
            {
                Fail($"has parameter '{parameter.Name}' ({parameter.ParameterType.Name}), which the local host cannot bind: it binds the trigger, a CancellationToken and route parameters (no FunctionContext, no input bindings).");
            }
        }
        return descriptor;
    }

    private static HashSet<string> RouteParameters(FunctionDescriptor function, Func<string, string> fail)
    {
        try
        {
            var pattern = RoutePatternFactory.Parse(function.Route ?? function.Name);
            return pattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }
        catch (RoutePatternException e)
        {
            fail($"has an invalid route '{function.Route}': {e.Message}");
            return [];
        }
    }

    internal static bool CanConvertFromString(Type type) =>
        type == typeof(string) || TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

    private static bool IsAwaitableWithoutResult(Type type) =>
        type == typeof(void) || type == typeof(Task) || type == typeof(ValueTask);

    private static bool IsValidQueueName(string name) =>
        name.Length is >= 3 and <= 63 && name[0] != '-' && !name.EndsWith('-') && !name.Contains("--", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}

/// <summary>A timer function with its schedule resolved.</summary>
internal sealed record TimerFunction(FunctionDescriptor Descriptor, TimerSchedule Schedule)
{
    public string Name => Descriptor.Name;
}

/// <summary>A queue function with its queue name resolved.</summary>
internal sealed record QueueFunction(FunctionDescriptor Descriptor, string QueueName)
{
    public const string PoisonSuffix = "-poison";

    public string Name => Descriptor.Name;
}
