using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Channels.Settings;
using Reminders.App.Observability;

namespace Reminders.App.Dashboard;

/// <summary>Setting <c>Dashboard__ActivityFlushInterval</c>: how often counted timeline activity is written (default 5 s).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "must be a positive TimeSpan such as 00:00:05, at most a day.")]
    public TimeSpan ActivityFlushInterval { get; set; } = TimeSpan.FromSeconds(5);
}

public static class DashboardRegistration
{
    /// <summary>The activity log (as the timeline observer), its flusher, and the dashboard's queries.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<DashboardOptions>(configuration, DashboardOptions.Section);
        services.AddSingleton<ActivityLog>();
        services.AddSingleton<ITimelineObserver>(sp => sp.GetRequiredService<ActivityLog>());
        services.AddSingleton<DashboardQueries>();
        services.AddSingleton<ApiDocument>();
        services.AddHostedService<ActivityLogFlusher>();
        return services;
    }
}

/// <summary>Flushes the activity log every <see cref="DashboardOptions.ActivityFlushInterval"/> and once more at shutdown.</summary>
public sealed partial class ActivityLogFlusher(ActivityLog log, IOptions<DashboardOptions> options, TimeProvider time, ILogger<ActivityLogFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.ActivityFlushInterval, time, stoppingToken);
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
