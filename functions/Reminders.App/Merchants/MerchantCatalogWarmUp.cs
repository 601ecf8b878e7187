using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Reminders.App.Merchants;

/// <summary>
/// Reads the Merchants table once when the app starts, so the first webhooks find the catalog filled. A failure is
/// only logged: the first lookup then reads the table itself.
/// </summary>
public sealed partial class MerchantCatalogWarmUp(MerchantCatalog catalog, ILogger<MerchantCatalogWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await catalog.GetAsync(stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogWarmUpFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Merchants table could not be read at start-up; the first lookup reads it")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);
}
