using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Functions.LocalHost;

/// <summary>
/// Runs every timer function's <see cref="TimerListener"/>, and runs a timer function on demand
/// (<c>POST /admin/functions/{name}</c>) as the Functions host's admin API does.
/// </summary>
internal sealed partial class TimerTriggerService : BackgroundService
{
    private const string AdminReason = "This function was programmatically called via the host APIs.";

    private readonly IReadOnlyList<TimerListener> _listeners;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _onDemand = [];

    public TimerTriggerService(
        FunctionCatalog catalog, IConfiguration configuration, TimerTriggerOptions options, IServiceProvider services,
        FunctionInvoker invoker, TimeProvider time, ILogger<TimerTriggerService> logger)
    {
        var blobs = services.GetService<BlobServiceClient>() ?? throw new InvalidOperationException(
            "The local Functions host needs a BlobServiceClient in DI for the timer locks and schedule status: register one from AzureWebJobsStorage.");
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var now = time.GetUtcNow();
        _listeners = catalog.ResolveTimers(configuration, options).Select(function =>
        {
            var useMonitor = function.Descriptor.UseMonitor && !function.Schedule.IsMoreFrequentThanOncePerMinute(now);
            if (function.Descriptor.UseMonitor && !useMonitor) LogMonitorOff(logger, function.Name, function.Schedule.Expression);
            var monitor = useMonitor ? new ScheduleMonitor(blobs, options.HostId, function.Name) : null;
            var listenerLock = new ListenerLock(blobs, options.HostId, function.Name, options.ListenerLockPeriod);
            return new TimerListener(function, listenerLock, monitor, options, scopes, invoker, time, logger);
        }).ToList();
    }

    /// <summary>Starts the named timer function now, on this instance, in the background. False when there is no timer function of that name.</summary>
    public bool TryInvokeNow(string functionName)
    {
        var listener = _listeners.FirstOrDefault(l => string.Equals(l.Function.Name, functionName, StringComparison.OrdinalIgnoreCase));
        if (listener is null) return false;
        var run = Task.Run(() => listener.InvokeNowAsync(AdminReason, _shutdown.Token));
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
        // Not disposed: DI disposes this service twice (as itself and as a hosted service).
        _shutdown.Cancel();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName} runs every {Schedule}, more often than once a minute: its schedule monitor is off")]
    private static partial void LogMonitorOff(ILogger logger, string functionName, string schedule);
}
