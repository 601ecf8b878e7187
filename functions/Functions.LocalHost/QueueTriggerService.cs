using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Functions.LocalHost;

/// <summary>
/// Runs one <see cref="QueueListener"/> per queue function. On shutdown polling stops at once; messages in flight
/// get until the host's shutdown timeout to finish, then their functions are cancelled and the messages made
/// visible again (never deleted unfinished).
/// </summary>
internal sealed class QueueTriggerService : BackgroundService
{
    /// <summary>How long, after the shutdown timeout, to wait for abandoned messages to be made visible again.</summary>
    private static readonly TimeSpan ReleaseGrace = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyList<QueueListener> _listeners;

    public QueueTriggerService(
        FunctionCatalog catalog, IConfiguration configuration, QueueTriggerOptions options, IServiceProvider services,
        FunctionInvoker invoker, TimeProvider time, ILogger<QueueTriggerService> logger)
    {
        var queues = TriggerConnection(services);
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        _listeners = catalog.ResolveQueues(configuration)
            .Select(f => new QueueListener(f, queues, options, scopes, invoker, time, new Random(), logger))
            .ToList();
    }

    /// <summary>
    /// The client of the triggers' connection: the Azure client named <c>AzureWebJobsStorage</c> (Microsoft.Extensions.Azure
    /// <c>WithName</c>) when there is one, so that an app whose own default client encodes messages can give the host one
    /// that reads them as stored; else the default <see cref="QueueServiceClient"/>.
    /// </summary>
    private static QueueServiceClient TriggerConnection(IServiceProvider services)
    {
        try
        {
            if (services.GetService<IAzureClientFactory<QueueServiceClient>>()?.CreateClient(FunctionCatalog.DefaultConnection) is { } named) return named;
        }
        catch (InvalidOperationException)
        {
            // No client of that name: use the default one.
        }
        return services.GetService<QueueServiceClient>() ?? throw new InvalidOperationException(
            "The local Functions host needs a QueueServiceClient in DI for its queue triggers: register one from AzureWebJobsStorage.");
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
