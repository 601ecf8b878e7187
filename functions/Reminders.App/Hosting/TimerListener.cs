using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Reminders.App.Hosting;

/// <summary>
/// Runs one timer function's schedule while this instance holds the function's listener lock, as the
/// Functions host does: past-due catch-up (one run), RunOnStartup, one run at a time, failures logged and
/// not retried. An instance without the lock tries again every listenerLockRecoveryPollingInterval.
/// </summary>
internal sealed partial class TimerListener
{
    /// <summary>Longest single wait; a far occurrence is reached by several waits so the clock is re-read.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);

    private readonly TimerFunctionDefinition _function;
    private readonly ListenerLock _lock;
    private readonly ScheduleMonitor? _monitor;
    private readonly TimerTriggerOptions _options;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public TimerListener(
        TimerFunctionDefinition function, ListenerLock listenerLock, ScheduleMonitor? monitor, TimerTriggerOptions options,
        IServiceScopeFactory scopes, TimeProvider time, ILogger logger)
    {
        _function = function;
        _lock = listenerLock;
        _monitor = monitor;
        _options = options;
        _scopes = scopes;
        _time = time;
        _logger = logger;
    }

    public TimerFunctionDefinition Function => _function;

    public ScheduleMonitor? Monitor => _monitor;

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (!await TryAcquireAsync(stopping).ConfigureAwait(false))
                {
                    await Task.Delay(_options.ListenerLockRecoveryPollingInterval, _time, stopping).ConfigureAwait(false);
                    continue;
                }
                LogLockAcquired(_logger, _function.Name, _lock.BlobName);
                await RunWhileHoldingLockAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> TryAcquireAsync(CancellationToken stopping)
    {
        try
        {
            return await _lock.TryAcquireAsync(stopping).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            LogLockFailed(_logger, e, _function.Name, e.Status, e.ErrorCode);
            return false;
        }
    }

    private async Task RunWhileHoldingLockAsync(CancellationToken stopping)
    {
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var renewing = RenewUntilLostAsync(lost);
        try
        {
            await RunScheduleAsync(lost.Token, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
        }
        finally
        {
            await lost.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
        }

        if (stopping.IsCancellationRequested)
        {
            try
            {
                await _lock.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (RequestFailedException e)
            {
                LogLockFailed(_logger, e, _function.Name, e.Status, e.ErrorCode);
            }
        }
        else
        {
            LogLockLost(_logger, _function.Name);
        }
    }

    /// <summary>Renews the lease every half period; cancels <paramref name="lost"/> when a renewal fails.</summary>
    private async Task RenewUntilLostAsync(CancellationTokenSource lost)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_lock.Period / 2, _time, lost.Token).ConfigureAwait(false);
                await _lock.RenewAsync(lost.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
        }
        catch (RequestFailedException e)
        {
            LogLockFailed(_logger, e, _function.Name, e.Status, e.ErrorCode);
            await lost.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task RunScheduleAsync(CancellationToken holding, CancellationToken stopping)
    {
        var schedule = _function.Schedule;
        var now = _time.GetUtcNow();
        var recorded = _monitor is null ? null : await ReadStatusAsync(holding).ConfigureAwait(false);
        var status = recorded ?? new ScheduleStatus(DateTimeOffset.MinValue, schedule.GetNextOccurrence(now), DateTimeOffset.MinValue);

        if (recorded is not null && now > recorded.Next)
        {
            LogPastDue(_logger, _function.Name, recorded.Next);
            status = await InvokeAndRecordAsync(status, isPastDue: true, ranAt: now, stopping).ConfigureAwait(false);
        }
        else if (_function.RunOnStartup)
        {
            LogRunOnStartup(_logger, _function.Name);
            status = await InvokeAndRecordAsync(status, isPastDue: false, ranAt: now, stopping).ConfigureAwait(false);
        }

        while (true)
        {
            holding.ThrowIfCancellationRequested();
            var occurrence = status.Next;
            await DelayUntilAsync(occurrence, holding).ConfigureAwait(false);
            status = await InvokeAndRecordAsync(status, isPastDue: false, ranAt: occurrence, stopping).ConfigureAwait(false);
        }
    }

    private async Task<ScheduleStatus> InvokeAndRecordAsync(ScheduleStatus before, bool isPastDue, DateTimeOffset ranAt, CancellationToken stopping)
    {
        await InvokeAsync(ToTimerInfo(before, isPastDue), stopping).ConfigureAwait(false);
        stopping.ThrowIfCancellationRequested();

        // The next occurrence after the run: occurrences missed while it ran are skipped, not queued up.
        var now = _time.GetUtcNow();
        var after = TimeMax(now, ranAt);
        var status = new ScheduleStatus(ranAt, _function.Schedule.GetNextOccurrence(after), now);
        if (_monitor is not null)
        {
            try
            {
                await _monitor.WriteAsync(status, stopping).ConfigureAwait(false);
            }
            catch (RequestFailedException e)
            {
                LogStatusFailed(_logger, e, _function.Name, e.Status, e.ErrorCode);
            }
        }
        return status;
    }

    private async Task<ScheduleStatus?> ReadStatusAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _monitor!.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            LogStatusFailed(_logger, e, _function.Name, e.Status, e.ErrorCode);
            return null;
        }
    }

    /// <summary>Runs the function once in its own DI scope; a failure is logged, never retried.</summary>
    public async Task InvokeAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var function = (ITimerFunction)scope.ServiceProvider.GetRequiredService(_function.Type);
            await function.RunAsync(timer, cancellationToken).ConfigureAwait(false);
            LogSucceeded(_logger, _function.Name, timer.IsPastDue, _time.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogCancelled(_logger, _function.Name);
        }
        catch (Exception e)
        {
            LogFailed(_logger, e, _function.Name, _time.GetElapsedTime(started));
        }
    }

    /// <summary>What the function is told: Last is the previous run, Next the occurrence this run is for.</summary>
    public static TimerInfo ToTimerInfo(ScheduleStatus status, bool isPastDue) =>
        new(isPastDue, status.Last == DateTimeOffset.MinValue ? null : status.Last, status.Next);

    private async Task DelayUntilAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        for (var now = _time.GetUtcNow(); now < due; now = _time.GetUtcNow())
        {
            var wait = due - now;
            await Task.Delay(wait < MaxWait ? wait : MaxWait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static DateTimeOffset TimeMax(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName} holds the listener lock {LockBlob}; running its schedule")]
    private static partial void LogLockAcquired(ILogger logger, string functionName, string lockBlob);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName} lost its listener lock; trying to take it again")]
    private static partial void LogLockLost(ILogger logger, string functionName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName}: listener lock request failed with status {Status} ({ErrorCode})")]
    private static partial void LogLockFailed(ILogger logger, Exception exception, string functionName, int status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName}: schedule status request failed with status {Status} ({ErrorCode})")]
    private static partial void LogStatusFailed(ILogger logger, Exception exception, string functionName, int status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName} is past due (it was due at {Due:o}); running it now")]
    private static partial void LogPastDue(ILogger logger, string functionName, DateTimeOffset due);

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName} runs on startup")]
    private static partial void LogRunOnStartup(ILogger logger, string functionName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName} succeeded (past due: {IsPastDue}) in {Duration}")]
    private static partial void LogSucceeded(ILogger logger, string functionName, bool isPastDue, TimeSpan duration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName} was cancelled by shutdown")]
    private static partial void LogCancelled(ILogger logger, string functionName);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {FunctionName} failed after {Duration}; it runs again at its next occurrence")]
    private static partial void LogFailed(ILogger logger, Exception exception, string functionName, TimeSpan duration);
}
