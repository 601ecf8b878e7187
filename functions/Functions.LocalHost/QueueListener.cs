using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.LocalHost;

/// <summary>
/// Polls one queue for one function the way the Functions host's queue listener does: batches run concurrently, a
/// new batch is fetched once in-flight messages are down to newBatchThreshold, idle polls back off, a running
/// message is kept hidden, failed messages return after visibilityTimeout and go to <c>&lt;queue&gt;-poison</c>
/// after maxDequeueCount tries. Delivery is at least once: a message is deleted only after its function succeeded.
/// The message text is read as stored (the QueueServiceClient in DI must not decode it) and decoded here
/// according to host.json messageEncoding, so that a message that is not Base64 can go to poison on its own.
/// </summary>
internal sealed partial class QueueListener
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly QueueFunction _function;
    private readonly QueueServiceClient _service;
    private readonly QueueClient _queue;
    private readonly QueueTriggerOptions _options;
    private readonly IServiceScopeFactory _scopes;
    private readonly FunctionInvoker _invoker;
    private readonly TimeProvider _time;
    private readonly PollingBackoff _backoff;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _inFlight = [];
    private bool _poisonQueueExists;

    public QueueListener(
        QueueFunction function, QueueServiceClient service, QueueTriggerOptions options, IServiceScopeFactory scopes,
        FunctionInvoker invoker, TimeProvider time, Random random, ILogger logger)
    {
        _function = function;
        _service = service;
        _queue = service.GetQueueClient(function.QueueName);
        _options = options;
        _scopes = scopes;
        _invoker = invoker;
        _time = time;
        _backoff = new PollingBackoff(QueueTriggerOptions.MinPollingInterval, options.MaxPollingInterval, random);
        _logger = logger;
    }

    /// <summary>
    /// Creates the queue if missing, then polls until <paramref name="stopping"/> is cancelled, then waits for the
    /// messages in flight: they finish, or after <see cref="Abort"/> they are made visible again.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        LogListening(_logger, _function.Name, _function.QueueName);
        try
        {
            await TryCreateQueueAsync(stopping).ConfigureAwait(false);
            while (!stopping.IsCancellationRequested)
            {
                await WaitUntilInFlightAtMostAsync(_options.NewBatchThreshold, stopping).ConfigureAwait(false);
                var messages = await ReceiveAsync(stopping).ConfigureAwait(false);
                foreach (var message in messages) Track(ProcessAsync(message));
                await Task.Delay(_backoff.NextDelay(messages.Length > 0), _time, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        await WaitUntilInFlightAtMostAsync(0, CancellationToken.None).ConfigureAwait(false);
        LogStopped(_logger, _function.Name);
    }

    /// <summary>The host's shutdown timeout has passed: cancel running functions and make their messages visible again.</summary>
    public void Abort() => _abort.Cancel();

    private void Track(Task task)
    {
        lock (_gate) _inFlight.Add(task);
        _ = task.ContinueWith(t => { lock (_gate) _inFlight.Remove(t); }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task WaitUntilInFlightAtMostAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task[] running;
            lock (_gate)
            {
                if (_inFlight.Count <= count) return;
                running = [.. _inFlight];
            }
            await Task.WhenAny(running).WaitAsync(cancellationToken).ConfigureAwait(false);
            // The continuation that removes a finished task may not have run yet; give it a turn.
            await Task.Yield();
        }
    }

    private async Task<QueueMessage[]> ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await _queue.ReceiveMessagesAsync(_options.BatchSize, _options.ReceiveVisibilityTimeout, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            await TryCreateQueueAsync(cancellationToken).ConfigureAwait(false);
            return [];
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            // 409, 5xx and network failures (status 0) count as an empty poll, as in the Functions host.
            LogReceiveFailed(_logger, e, _function.Name, _function.QueueName, StorageErrors.StatusOf(e), StorageErrors.ErrorCodeOf(e));
            return [];
        }
    }

    private async Task TryCreateQueueAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (StorageErrors.IsStorageFailure(e))
        {
            LogReceiveFailed(_logger, e, _function.Name, _function.QueueName, StorageErrors.StatusOf(e), StorageErrors.ErrorCodeOf(e));
        }
    }

    /// <summary>Runs the function for one message and then deletes it, returns it or moves it to poison.</summary>
    private async Task ProcessAsync(QueueMessage message)
    {
        // The newest pop receipt: each Update Message hands out a new one.
        var receipt = new StrongBox<string>(message.PopReceipt);
        try
        {
            if (Decode(message) is not { } body)
            {
                await MoveToPoisonAsync(message, receipt, "its text is not valid Base64").ConfigureAwait(false);
                return;
            }
            if (message.DequeueCount > _options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(message, receipt, "it was received more often than maxDequeueCount").ConfigureAwait(false);
                return;
            }

            var (aborted, failure) = await RunKeepingHiddenAsync(message, body, receipt).ConfigureAwait(false);
            if (aborted)
            {
                LogAbandoned(_logger, _function.Name, message.MessageId);
                await SetVisibleAfterAsync(message.MessageId, receipt, TimeSpan.Zero).ConfigureAwait(false);
            }
            else if (failure is null)
            {
                await _queue.DeleteMessageAsync(message.MessageId, receipt.Value, CancellationToken.None).ConfigureAwait(false);
            }
            else if (message.DequeueCount >= _options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(message, receipt, "its function failed on the last allowed try").ConfigureAwait(false);
            }
            else
            {
                await SetVisibleAfterAsync(message.MessageId, receipt, _options.VisibilityTimeout).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // Storage refused the delete, update or poison move: the message reappears after its visibility
            // timeout and is tried again. At least once, never lost.
            LogHandlingFailed(_logger, e, _function.Name, message.MessageId);
        }
    }

    /// <summary>
    /// Runs the function while keeping the message hidden. Aborted when the host's shutdown timeout passed first
    /// (or the function gave up on its cancellation then); otherwise the function's failure, null on success.
    /// </summary>
    private async Task<(bool Aborted, Exception? Failure)> RunKeepingHiddenAsync(QueueMessage message, BinaryData body, StrongBox<string> receipt)
    {
        using var keepHidden = new CancellationTokenSource();
        var keepingHidden = KeepHiddenAsync(message.MessageId, receipt, keepHidden.Token);
        // On the thread pool, so that a function that blocks before its first await cannot hold up the listener.
        var run = Task.Run(() => RunFunctionAsync(message, body));
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task first;
        await using (_abort.Token.Register(() => aborted.TrySetResult()).ConfigureAwait(false))
        {
            first = await Task.WhenAny(run, aborted.Task).ConfigureAwait(false);
        }
        await keepHidden.CancelAsync().ConfigureAwait(false);
        await keepingHidden.ConfigureAwait(false);
        if (first != run) return (true, null);
        var failure = await run.ConfigureAwait(false);
        return (failure is OperationCanceledException && _abort.IsCancellationRequested, failure);
    }

    /// <summary>The message's bytes under the configured encoding; null when the text is not Base64.</summary>
    private BinaryData? Decode(QueueMessage message)
    {
        var text = message.Body.ToString();
        if (_options.MessageEncoding == QueueMessageEncoding.None) return BinaryData.FromString(text);
        var bytes = new byte[text.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(text, bytes, out var written) ? new BinaryData(bytes.AsMemory(0, written)) : null;
    }

    /// <summary>Runs the function in its own DI scope; the failure, or null on success.</summary>
    private async Task<Exception?> RunFunctionAsync(QueueMessage message, BinaryData body)
    {
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var decoded = QueuesModelFactory.QueueMessage(message.MessageId, message.PopReceipt, body, message.DequeueCount,
                message.NextVisibleOn, message.InsertedOn, message.ExpiresOn);
            var type = _function.Descriptor.TriggerParameter.ParameterType;
            object? trigger = type == typeof(string) ? body.ToString()
                : type == typeof(BinaryData) ? body
                : type == typeof(QueueMessage) ? decoded
                : type == typeof(byte[]) ? body.ToArray()
                : JsonSerializer.Deserialize(body.ToMemory().Span, type, Json);
            await _invoker.InvokeAsync(_function.Descriptor, scope.ServiceProvider, $"New queue message detected on '{_function.QueueName}'.",
                trigger, new Dictionary<string, object?>(), _abort.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception e)
        {
            LogFunctionFailed(_logger, _function.Name, message.MessageId, message.DequeueCount, _options.MaxDequeueCount, e.Message);
            return e;
        }
    }

    /// <summary>Extends the message's invisibility every half of the receive visibility timeout while the function runs.</summary>
    private async Task KeepHiddenAsync(string messageId, StrongBox<string> receipt, CancellationToken cancellationToken)
    {
        var period = _options.ReceiveVisibilityTimeout / 2;
        while (true)
        {
            try
            {
                await Task.Delay(period, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                // Not cancelled midway: a lost answer would lose the new pop receipt.
                var updated = await _queue.UpdateMessageAsync(messageId, receipt.Value, (string?)null, _options.ReceiveVisibilityTimeout, CancellationToken.None)
                    .ConfigureAwait(false);
                receipt.Value = updated.Value.PopReceipt;
            }
            catch (Exception e) when (StorageErrors.IsStorageFailure(e))
            {
                LogKeepHiddenFailed(_logger, e, _function.Name, messageId, StorageErrors.StatusOf(e), StorageErrors.ErrorCodeOf(e));
                if (StorageErrors.StatusOf(e) is 400 or 404) return;
            }
        }
    }

    private async Task SetVisibleAfterAsync(string messageId, StrongBox<string> receipt, TimeSpan delay)
    {
        var updated = await _queue.UpdateMessageAsync(messageId, receipt.Value, (string?)null, delay, CancellationToken.None).ConfigureAwait(false);
        receipt.Value = updated.Value.PopReceipt;
    }

    /// <summary>Copies the text as stored to <c>&lt;queue&gt;-poison</c> (created if missing), then deletes the original.</summary>
    private async Task MoveToPoisonAsync(QueueMessage message, StrongBox<string> receipt, string reason)
    {
        var poison = _service.GetQueueClient(_function.QueueName + QueueFunction.PoisonSuffix);
        if (!_poisonQueueExists)
        {
            await poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            _poisonQueueExists = true;
        }
        await poison.SendMessageAsync(message.Body.ToString(), CancellationToken.None).ConfigureAwait(false);
        await _queue.DeleteMessageAsync(message.MessageId, receipt.Value, CancellationToken.None).ConfigureAwait(false);
        LogPoisoned(_logger, _function.Name, message.MessageId, poison.Name, message.DequeueCount, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName} listens to queue {QueueName}")]
    private static partial void LogListening(ILogger logger, string functionName, string queueName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName} stopped listening")]
    private static partial void LogStopped(ILogger logger, string functionName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName}: queue {QueueName} answered status {Status} ({ErrorCode}); counted as an empty poll")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, string functionName, string queueName, int status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName} failed for message {MessageId} (try {DequeueCount} of {MaxDequeueCount}): {Error}")]
    private static partial void LogFunctionFailed(ILogger logger, string functionName, string messageId, long dequeueCount, int maxDequeueCount, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {FunctionName}: message {MessageId} moved to {PoisonQueueName} after {DequeueCount} tries: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string functionName, string messageId, string poisonQueueName, long dequeueCount, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName} did not finish message {MessageId} before shutdown; it is visible again")]
    private static partial void LogAbandoned(ILogger logger, string functionName, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName}: extending the visibility of message {MessageId} failed with status {Status} ({ErrorCode})")]
    private static partial void LogKeepHiddenFailed(ILogger logger, Exception exception, string functionName, string messageId, int status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {FunctionName}: completing message {MessageId} failed; it will be delivered again")]
    private static partial void LogHandlingFailed(ILogger logger, Exception exception, string functionName, string messageId);
}
