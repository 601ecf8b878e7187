using Azure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reminders.App.Orders;

namespace Reminders.App.Storage;

/// <summary>
/// Creates the app's tables and queues once, at start-up, in the background: while storage cannot be reached it
/// tries again with growing pauses (start-up neither waits for storage nor fails without it). A request that comes
/// before it succeeded creates what it misses itself (<see cref="ReminderStorage.CreatingMissingAsync{T}"/>).
/// </summary>
public sealed partial class StorageSetup(ReminderStorage storage, TimeProvider time, ILogger<StorageSetup> logger) : BackgroundService
{
    public static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var pause = FirstPause; ; pause = Min(pause * 2, LongestPause))
        {
            try
            {
                await storage.CreateAllAsync(stoppingToken);
                return;
            }
            catch (Exception e) when (e is RequestFailedException or AggregateException or OperationCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogNotReady(logger, e, pause);
            }
            await Task.Delay(pause, time, stoppingToken);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create the tables and queues yet; trying again in {Pause}")]
    private static partial void LogNotReady(ILogger logger, Exception exception, TimeSpan pause);
}
