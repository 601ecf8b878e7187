using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Functions.LocalHost;

/// <summary>
/// The host id (setting <c>AzureFunctionsWebHost__hostid</c>) and host.json <c>singleton</c> settings that govern
/// the timer listener lock, and <c>WEBSITE_TIME_ZONE</c>, the zone whose wall clock schedules are read in.
/// </summary>
public sealed partial class TimerTriggerOptions
{
    public const string HostIdKey = "AzureFunctionsWebHost:hostid";
    public const string SingletonSectionPath = FunctionsConfiguration.HostSection + ":singleton";
    public const string TimeZoneKey = "WEBSITE_TIME_ZONE";

    /// <summary>The host id when none is set (the Functions host derives one from the machine; one fixed name here).</summary>
    public const string DefaultHostId = "localhost";

    /// <summary>Names the lock and status blobs, so that instances of one app share them.</summary>
    public string HostId { get; init; } = DefaultHostId;

    /// <summary>Lease period of the listener lock (15 to 60 seconds); renewed at half of it.</summary>
    public TimeSpan ListenerLockPeriod { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often an instance without the listener lock tries to take it.</summary>
    public TimeSpan ListenerLockRecoveryPollingInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The zone of the schedules' fields: UTC, or the IANA zone of <c>WEBSITE_TIME_ZONE</c>.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    public static TimerTriggerOptions Load(IConfiguration configuration)
    {
        var errors = new List<string>();
        var hostId = configuration[HostIdKey]?.Trim();
        if (string.IsNullOrEmpty(hostId))
        {
            hostId = DefaultHostId;
        }
        else if (!HostIdPattern().IsMatch(hostId) || hostId.Contains("--", StringComparison.Ordinal))
        {
            errors.Add($"{HostIdKey} (AzureFunctionsWebHost__hostid) must be 1 to 32 lower-case letters, digits and single dashes, not starting or ending with a dash; it is '{hostId}'.");
        }

        var zone = TimeZoneInfo.Utc;
        if (configuration[TimeZoneKey] is { Length: > 0 } zoneName && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneName.Trim(), out zone))
        {
            errors.Add($"{TimeZoneKey} names no known time zone ('{zoneName}'); use an IANA name such as Asia/Shanghai.");
        }

        var reader = new HostSettingsReader(configuration, SingletonSectionPath);
        var lockPeriod = reader.Duration("listenerLockPeriod") ?? TimeSpan.FromSeconds(60);
        if (lockPeriod < TimeSpan.FromSeconds(15) || lockPeriod > TimeSpan.FromSeconds(60))
        {
            reader.Fail("listenerLockPeriod", $"must be between 00:00:15 and 00:01:00; it is {lockPeriod}.");
        }
        var recovery = reader.Duration("listenerLockRecoveryPollingInterval") ?? TimeSpan.FromSeconds(60);
        if (recovery <= TimeSpan.Zero) reader.Fail("listenerLockRecoveryPollingInterval", $"must be positive; it is {recovery}.");
        errors.AddRange(reader.Errors);

        if (errors.Count > 0) throw new OptionsValidationException(SingletonSectionPath, typeof(TimerTriggerOptions), errors);
        return new TimerTriggerOptions
        {
            HostId = hostId,
            ListenerLockPeriod = lockPeriod,
            ListenerLockRecoveryPollingInterval = recovery,
            TimeZone = zone ?? TimeZoneInfo.Utc,
        };
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostIdPattern();
}
