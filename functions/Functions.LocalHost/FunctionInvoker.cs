using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.LocalHost;

/// <summary>
/// Runs one invocation the way the isolated worker does: the function's class created with
/// <see cref="ActivatorUtilities"/> in the invocation's DI scope (classes are not registered), the trigger value,
/// the CancellationToken and binding data (route values) passed by parameter, the Task or ValueTask awaited. Logs
/// <c>Executing 'Functions.X' (Reason=..., Id=...)</c> and <c>Executed 'Functions.X' (Succeeded|Failed, Id=...,
/// Duration=...ms)</c> under the category <c>Function.X</c>, as the host does.
/// </summary>
internal sealed partial class FunctionInvoker(ILoggerFactory loggers)
{
    /// <summary>The function's result (null for void, Task and ValueTask); its exception, rethrown, when it failed.</summary>
    public async Task<object?> InvokeAsync(
        FunctionDescriptor function, IServiceProvider services, string reason, object? trigger,
        IReadOnlyDictionary<string, object?> bindingData, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("Function." + function.Name);
        var id = Guid.NewGuid();
        LogExecuting(logger, function.Name, reason, id);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var method = function.Method;
            var instance = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
            var arguments = method.GetParameters().Select(p =>
                p == function.TriggerParameter ? trigger
                : p.ParameterType == typeof(CancellationToken) ? cancellationToken
                : bindingData.GetValueOrDefault(p.Name!)).ToArray();
            var returned = method.Invoke(instance, BindingFlags.DoNotWrapExceptions, null, arguments, null);
            var result = await AwaitAsync(returned, method.ReturnType).ConfigureAwait(false);
            LogExecuted(logger, function.Name, "Succeeded", id, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (Exception e)
        {
            LogFailed(logger, e, function.Name, id, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }

    private static async Task<object?> AwaitAsync(object? returned, Type returnType)
    {
        switch (returned)
        {
            case Task task:
                await task.ConfigureAwait(false);
                return returnType.IsGenericType ? returnType.GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
            case ValueTask valueTask:
                await valueTask.ConfigureAwait(false);
                return null;
            case not null when returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>):
                var asTask = (Task)returnType.GetMethod(nameof(ValueTask<object>.AsTask))!.Invoke(returned, null)!;
                await asTask.ConfigureAwait(false);
                return asTask.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(asTask);
            default:
                return returned;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Executing 'Functions.{FunctionName}' (Reason='{Reason}', Id={InvocationId})")]
    private static partial void LogExecuting(ILogger logger, string functionName, string reason, Guid invocationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Executed 'Functions.{FunctionName}' ({Status}, Id={InvocationId}, Duration={Duration}ms)")]
    private static partial void LogExecuted(ILogger logger, string functionName, string status, Guid invocationId, long duration);

    [LoggerMessage(Level = LogLevel.Error, Message = "Executed 'Functions.{FunctionName}' (Failed, Id={InvocationId}, Duration={Duration}ms)")]
    private static partial void LogFailed(ILogger logger, Exception exception, string functionName, Guid invocationId, long duration);
}
