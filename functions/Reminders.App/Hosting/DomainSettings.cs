using Microsoft.Extensions.Configuration;
using Reminders.Core.Settings;
using Reminders.Core.Throttling;

namespace Reminders.App.Hosting;

/// <summary>Reads and checks the Reminders__* settings at start-up; a bad value stops the app with the setting named.</summary>
public static class DomainSettings
{
    public static ReminderSettings ReadReminderSettings(IConfiguration configuration)
    {
        var parsed = ReminderSettingsParser.Parse(configuration.GetSection(ReminderSettings.SectionName).AsEnumerable(makePathsRelative: true));
        if (!parsed.IsValid)
        {
            throw new InvalidOperationException(
                "Invalid settings: " + string.Join("; ", parsed.Errors.Select(e => $"{e.Setting}: {e.Message}")));
        }
        return parsed.Settings;
    }

    public static ThrottleSettings ToThrottleSettings(ReminderSettings settings, IConfiguration configuration)
    {
        var throttle = new ThrottleSettings
        {
            DefaultTimeZoneId = settings.DefaultTimeZone,
            QuietHoursStart = settings.QuietHoursStart,
            QuietHoursEnd = settings.QuietHoursEnd,
            BuyerDailyCap = settings.BuyerDailyCap,
            MinInterval = settings.MinInterval,
            ChannelOrder = settings.Channels,
        };
        if (configuration["Reminders:MaxJitter"] is { Length: > 0 } jitter)
        {
            if (!ReminderSettingsParser.TryParseDuration(jitter, out var maxJitter))
            {
                throw new InvalidOperationException("Invalid settings: Reminders__MaxJitter: not a duration (d.hh:mm:ss).");
            }
            throttle = throttle with { MaxJitter = maxJitter };
        }
        var problems = throttle.Validate();
        if (problems.Count > 0) throw new InvalidOperationException("Invalid settings: " + string.Join("; ", problems));
        return throttle;
    }
}
