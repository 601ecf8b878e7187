using Azure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.LocalHost;

/// <summary>
/// Runs one timer function's schedule while this instance holds the function's listener lock, as the Functions
/// host does: past-due catch-up (one run), RunOnStartup, one run at a time, failures logged and not retried. An
/// instance without the lock tries again every listenerLockRecoveryPollingInterval.
/// </summary>
internal sealed partial class TimerListener(
    TimerFunction function, ListenerLock listenerLock, ScheduleMonitor? monitor, TimerTriggerOptions options,
    IServiceScopeFactory scopes, FunctionInvoker invoker, TimeProvider time, ILogger logger)
{
    /// <summary>Longest single wait; a far occurrence is reached by several waits so that the clock is read again.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);

    public TimerFunction Function => function;

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (!await TryAcquireAsync(stopping).ConfigureAwait(false))
                {
                    await Task.Delay(options.ListenerLockRecoveryPollingInterval, time, stopping).ConfigureAwait(false);
                    continue;
                }
                LogLockAcquired(logger, function.Name, listenerLock.BlobName);
                await RunWhileHoldingLockAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs the function once in its own DI scope; a failure is logged by the invoker, never retried.</summary>
    public async Task InvokeAsync(TimerInfo timer, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await invoker.InvokeAsync(function.Descriptor, scope.ServiceProvider, reason, timer, new Dictionary<string, object?>(), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Logged as "Executed ... (Failed ...)"; the next occurrence runs as scheduled.
        }
    }

    /// <summary>Runs the function now (admin API), told the recorded status as a scheduled run would be.</summary>
    public async Task InvokeNowAsync(string reason, CancellationToken cancellationToken)
    {
        var recorded = monitor is null ? null : await ReadStatusAsync(monitor.PeekAsync, cancellationToken).ConfigureAwait(false);
        var status = recorded ?? new TimerStatus(DateTimeOffset.MinValue, function.Schedule.GetNextOccurrence(time.GetUtcNow()), DateTimeOffset.MinValue);
        await InvokeAsync(ToTimerInfo(status, isPastDue: false), reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the function is told, as the host tells it: the status before this run, null without a monitor.</summary>
    public TimerInfo ToTimerInfo(TimerStatus status, bool isPastDue) => new()
    {
        IsPastDue = isPastDue,
        ScheduleStatus = monitor is null ? null : new ScheduleStatus
        {
            Last = status.Last.UtcDateTime,
            Next = status.Next.UtcDateTime,
            LastUpdated = status.LastUpdated.UtcDateTime,
        },
    };

    private async Task<bool> TryAcquireAsync(CancellationToken stopping)
    {
        try
        {
            return await listenerLock.TryAcquireAsync(stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            LogLockFailed(logger, e, function.Name, StorageErrors.StatusOf(e), StorageErrors.ErrorCodeOf(e));
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

        if (!stopping.IsCancellationRequested)
        {
            LogLockLost(logger, function.Name);
            return;
        }
        try
        {
            await listenerLock.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            LogLockFailed(logger, e, function.Name, StorageErrors.StatusOf(e), StorageErrors.ErrorCodeOf(e));
        }
    }

    /// <summary>Renews the lease every half period; cancels <paramref name="lost"/> when a renewal fails.</summary>
    private async Task RenewUntilLostAsync(CancellationTokenSource lost)
    {
        try
        {
            while (true)
            {
                await Task.Delay(listenerLock.Period / 2, time, lost.Token).ConfigureAwait(false);
                await listenerLock.RenewAsync(lost.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            LogLockFailed(logger, e, function.Name, StorageErrors.StatusOf(e), StorageErrors.ErrorCodeOf(e));
            await lost.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task RunScheduleAsync(CancellationToken holding, CancellationToken stopping)
    {
        var now = time.GetUtcNow();
        var recorded = monitor is null ? null : await ReadStatusAsync(monitor.ReadAsync, holding).ConfigureAwait(false);
        var status = recorded ?? new TimerStatus(DateTimeOffset.MinValue, function.Schedule.GetNextOccurrence(now), DateTimeOffset.MinValue);

        if (recorded is not null && now > recorded.Next)
        {
            LogPastDue(logger, function.Name, recorded.Next);
            status = await InvokeAndRecordAsync(status, isPastDue: true, ranAt: now, "Timer is past due", stopping).ConfigureAwait(false);
        }
        else if (function.Descriptor.RunOnStartup)
        {
            status = await InvokeAndRecordAsync(status, isPastDue: false, ranAt: now, "Timer runs on startup", stopping).ConfigureAwait(false);
        }

        while (true)
        {
            holding.ThrowIfCancellationRequested();
            var occurrence = status.Next;
            await DelayUntilAsync(occurrence, holding).ConfigureAwait(false);
            status = await InvokeAndRecordAsync(status, isPastDue: false, ranAt: occurrence, $"Timer fired at {occurrence:o}", stopping).ConfigureAwait(false);
        }
    }

    private async Task<TimerStatus> InvokeAndRecordAsync(TimerStatus before, bool isPastDue, DateTimeOffset ranAt, string reason, CancellationToken stopping)
    {
        await InvokeAsync(ToTimerInfo(before, isPastDue), reason, stopping).ConfigureAwait(false);
        stopping.ThrowIfCancellationRequested();

        // The next occurrence after the run: occurrences missed while it ran are skipped, not queued up.
        var now = time.GetUtcNow();
        var status = new TimerStatus(ranAt, function.Schedule.GetNextOccurrence(now > ranAt ? now : ranAt), now);
        if (monitor is null) return status;
        try
        {
            await monitor.WriteAsync(status, stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            LogStatusFailed(logger, e, function.Name, StorageErrors.StatusOf(e), StorageErrors.ErrorCodeOf(e));
        }
        return status;
    }

    private async Task<TimerStatus?> ReadStatusAsync(Func<CancellationToken, Task<TimerStatus?>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            LogStatusFailed(logger, e, function.Name, StorageErrors.StatusOf(e), StorageErrors.ErrorCodeOf(e));
            return null;
        }
    }

    private async Task DelayUntilAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        for (var now = time.GetUtcNow(); now < due; now = time.GetUtcNow())
        {
            var wait = due - now;
            await Task.Delay(wait < MaxWait ? wait : MaxWait, time, cancellationToken).ConfigureAwait(false);
        }
    }

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
}
