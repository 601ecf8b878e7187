using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reminders.Storage;

namespace Reminders.App.Hosting;

/// <summary>
/// Runs every timer function's <see cref="TimerListener"/>, and runs a timer function on demand
/// (<c>POST /admin/functions/{name}</c>) as the Functions host's admin API does.
/// </summary>
public sealed partial class TimerTriggerService : BackgroundService
{
    private readonly IReadOnlyList<TimerListener> _listeners;
    private readonly BlobServiceClient _blobs;
    private readonly string _hostId;
    private readonly TimeProvider _time;
    private readonly ILogger<TimerTriggerService> _logger;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _onDemand = [];

    public TimerTriggerService(
        FunctionCatalog catalog, BlobServiceClient blobs, TimerTriggerOptions options,
        IServiceScopeFactory scopes, TimeProvider time, ILogger<TimerTriggerService> logger)
    {
        _blobs = blobs;
        _hostId = options.HostId;
        _time = time;
        _logger = logger;
        var now = time.GetUtcNow();
        _listeners = catalog.TimerFunctions.Select(function =>
        {
            var useMonitor = function.UseMonitor && !function.Schedule.IsMoreFrequentThanOncePerMinute(now);
            if (function.UseMonitor && !useMonitor) LogMonitorOff(logger, function.Name, function.Schedule.Expression);
            var monitor = useMonitor ? new ScheduleMonitor(blobs, options.HostId, function.Name) : null;
            var listenerLock = new ListenerLock(blobs, options.HostId, function.Name, options.ListenerLockPeriod);
            return new TimerListener(function, listenerLock, monitor, options, scopes, time, logger);
        }).ToList();
    }

    /// <summary>
    /// Starts the named timer function now, on this instance, in the background. False when there is no timer
    /// function of that name.
    /// </summary>
    public bool TryInvokeNow(string functionName)
    {
        var listener = _listeners.FirstOrDefault(l => string.Equals(l.Function.Name, functionName, StringComparison.OrdinalIgnoreCase));
        if (listener is null) return false;
        LogInvokedOnDemand(_logger, listener.Function.Name);
        var run = Task.Run(() => InvokeOnDemandAsync(listener));
        lock (_gate) _onDemand.Add(run);
        _ = run.ContinueWith(t => { lock (_gate) _onDemand.Remove(t); }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        return true;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_listeners.Select(l => l.RunAsync(stoppingToken)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        Task[] onDemand;
        lock (_gate) onDemand = [.. _onDemand];
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(onDemand).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public override void Dispose()
    {
        _shutdown.Cancel();
        base.Dispose();
    }

    private async Task InvokeOnDemandAsync(TimerListener listener)
    {
        var token = _shutdown.Token;
        ScheduleStatus? status = null;
        if (listener.Monitor is not null)
        {
            try
            {
                // A monitor of its own: the listener's keeps the ETag of its last write.
                status = await new ScheduleMonitor(_blobs, _hostId, listener.Function.Name).ReadAsync(token).ConfigureAwait(false);
            }
            catch (RequestFailedException e)
            {
                LogStatusUnreadable(_logger, e, listener.Function.Name, e.Status);
            }
        }
        var timer = status is null
            ? new TimerInfo(false, null, listener.Function.Schedule.GetNextOccurrence(_time.GetUtcNow()))
            : TimerListener.ToTimerInfo(status, isPastDue: false);
        await listener.InvokeAsync(timer, token).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName} runs every {Schedule}, more often than once a minute: its schedule monitor is off")]
    private static partial void LogMonitorOff(ILogger logger, string functionName, string schedule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName} invoked through the admin API")]
    private static partial void LogInvokedOnDemand(ILogger logger, string functionName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName}: reading its schedule status failed with status {Status}")]
    private static partial void LogStatusUnreadable(ILogger logger, Exception exception, string functionName, int status);
}
