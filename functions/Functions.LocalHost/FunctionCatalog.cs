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

    /// <summary>The connection a trigger uses when it names none, as in the host.</summary>
    public const string DefaultConnection = "AzureWebJobsStorage";

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
        var triggers = method.GetParameters()
            .Select(p => (Parameter: p, Attribute: p.GetCustomAttributes().FirstOrDefault(a => a is HttpTriggerAttribute or TimerTriggerAttribute or QueueTriggerAttribute)))
            .Where(t => t.Attribute is not null)
            .ToList();
        var problem = "must have exactly one parameter with [HttpTrigger], [TimerTrigger] or [QueueTrigger]; the local host runs no other trigger.";
        if (triggers.Count == 1)
        {
            var (trigger, attribute) = triggers[0];
            var function = new FunctionDescriptor { Name = name, EntryPoint = entryPoint, Method = method, TriggerParameter = trigger, TriggerType = default };
            function = attribute switch
            {
                HttpTriggerAttribute http => function with { TriggerType = TriggerType.HttpTrigger, Route = http.Route, HttpMethods = http.Methods, AuthLevel = http.AuthLevel },
                TimerTriggerAttribute timer => function with { TriggerType = TriggerType.TimerTrigger, Schedule = timer.Schedule, RunOnStartup = timer.RunOnStartup, UseMonitor = timer.UseMonitor },
                QueueTriggerAttribute queue => function with { TriggerType = TriggerType.QueueTrigger, QueueName = queue.QueueName, Connection = queue.Connection },
                _ => function,
            };
            problem = ProblemWith(function);
            if (problem is null) return function;
        }
        throw new InvalidOperationException($"Function '{name}' ({entryPoint}) {problem}");
    }

    /// <summary>Why the local host cannot run <paramref name="function"/>, or null when it can.</summary>
    private static string? ProblemWith(FunctionDescriptor function)
    {
        var trigger = function.TriggerParameter;
        var problem = function.TriggerType switch
        {
            TriggerType.HttpTrigger when trigger.ParameterType != typeof(HttpRequest) => "takes its HTTP trigger as HttpRequest only.",
            TriggerType.TimerTrigger when trigger.ParameterType != typeof(TimerInfo) => "takes its timer trigger as TimerInfo only.",
            TriggerType.QueueTrigger when function.Connection is { Length: > 0 } connection && connection != DefaultConnection =>
                $"reads its queue through connection '{connection}'; the local host serves the one storage account of {DefaultConnection}.",
            not TriggerType.HttpTrigger when function.Method.ReturnType is var type && type != typeof(void) && type != typeof(Task) && type != typeof(ValueTask) =>
                $"returns {type.Name}; timer and queue functions return void, Task or ValueTask here (no output bindings).",
            _ => null,
        };
        if (problem is not null) return problem;

        HashSet<string> routeParameters = [];
        if (function.TriggerType == TriggerType.HttpTrigger)
        {
            try
            {
                routeParameters = RoutePatternFactory.Parse(function.Route ?? function.Name).Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            }
            catch (RoutePatternException e)
            {
                return $"has an invalid route '{function.Route}': {e.Message}";
            }
        }
        var unbound = function.Method.GetParameters().FirstOrDefault(p => p != trigger && p.ParameterType != typeof(CancellationToken)
            && !(routeParameters.Contains(p.Name!) && CanConvertFromString(p.ParameterType)));
        return unbound is null ? null
            : $"has parameter '{unbound.Name}' ({unbound.ParameterType.Name}), which the local host cannot bind: it binds the trigger, a CancellationToken and route parameters (no FunctionContext, no input bindings).";
    }

    internal static bool CanConvertFromString(Type type) =>
        type == typeof(string) || TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

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
