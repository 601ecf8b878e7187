using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reminders.Storage;

namespace Reminders.App.Hosting;

/// <summary>
/// Runs one <see cref="QueueListener"/> per queue function. On shutdown polling stops at once; messages in
/// flight get until the host's shutdown timeout to finish, then their functions are cancelled and the messages
/// made visible again (never deleted unfinished).
/// </summary>
public sealed class QueueTriggerService : BackgroundService
{
    /// <summary>How long, after the shutdown timeout, to wait for abandoned messages to be made visible again.</summary>
    private static readonly TimeSpan ReleaseGrace = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyList<QueueListener> _listeners;

    public QueueTriggerService(
        FunctionCatalog catalog, QueueServiceClient queues, QueueTriggerOptions options,
        IServiceScopeFactory scopes, TimeProvider time, ILogger<QueueTriggerService> logger)
    {
        _listeners = catalog.QueueFunctions
            .Select(f => new QueueListener(f, queues, options, scopes, time, new Random(), logger))
            .ToList();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_listeners.Select(l => l.RunAsync(stoppingToken)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using (cancellationToken.Register(AbortAll).ConfigureAwait(false))
        {
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        if (ExecuteTask is { IsCompleted: false } running)
        {
            AbortAll();
            await running.WaitAsync(ReleaseGrace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override void Dispose()
    {
        AbortAll();
        base.Dispose();
    }

    private void AbortAll()
    {
        foreach (var listener in _listeners) listener.Abort();
    }
}
