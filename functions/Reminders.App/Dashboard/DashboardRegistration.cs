using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reminders.App.Observability;

namespace Reminders.App.Dashboard;

/// <summary>Setting <c>Dashboard__ActivityFlushInterval</c>: how often counted timeline activity is written (default 5 s).</summary>
public sealed record DashboardSettings(TimeSpan ActivityFlushInterval)
{
    public static DashboardSettings Read(IConfiguration configuration)
    {
        var text = configuration["Dashboard:ActivityFlushInterval"];
        if (string.IsNullOrWhiteSpace(text)) return new DashboardSettings(TimeSpan.FromSeconds(5));
        if (!TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var interval) || interval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Setting Dashboard__ActivityFlushInterval must be a positive TimeSpan such as 00:00:05, not '{text}'.");
        }
        return new DashboardSettings(interval);
    }
}

public static class DashboardRegistration
{
    /// <summary>The activity log (as the timeline observer), its flusher, and the dashboard's queries.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(DashboardSettings.Read(configuration));
        services.AddSingleton<ActivityLog>();
        services.AddSingleton<ITimelineObserver>(sp => sp.GetRequiredService<ActivityLog>());
        services.AddSingleton<DashboardQueries>();
        services.AddSingleton<ApiDocument>();
        services.AddHostedService<ActivityLogFlusher>();
        return services;
    }
}

/// <summary>Flushes the activity log every <see cref="DashboardSettings.ActivityFlushInterval"/> and once more at shutdown.</summary>
public sealed partial class ActivityLogFlusher(ActivityLog log, DashboardSettings settings, TimeProvider time, ILogger<ActivityLogFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.ActivityFlushInterval, time, stoppingToken);
                await log.FlushAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // a failed flush keeps its counts; the loop must go on
            catch (Exception e)
            {
                LogFlushError(logger, e);
            }
#pragma warning restore CA1031
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
        try
        {
            await log.FlushAsync(timeout.Token);
        }
#pragma warning disable CA1031 // shutting down: nothing more to do with it than say so
        catch (Exception e)
        {
            LogFlushError(logger, e);
        }
#pragma warning restore CA1031
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activity log flush failed")]
    private static partial void LogFlushError(ILogger logger, Exception exception);
}
