using System.Globalization;
using Functions.LocalHost;
using Microsoft.Extensions.Configuration;

namespace Reminders.App.Dispatch;

/// <summary>
/// How old a claim on a reminder row must be before another instance takes it over, read once at start-up:
/// <c>Delivery__ClaimTimeout</c> for a sender's <c>sending</c> claim and <c>Sweeps__ClaimTimeout</c> for a sweep's
/// <c>enqueuing</c> claim. The defaults suit the Functions host; a fault-injection run shortens them (and the local
/// host's <c>LocalHost__QueueReceiveVisibility</c>) so that it does not wait ten minutes per killed instance.
/// </summary>
public sealed record ClaimTimeouts
{
    public const string SendingSetting = "Delivery:ClaimTimeout";
    public const string EnqueuingSetting = "Sweeps:ClaimTimeout";

    /// <summary>The time the Functions host keeps a running queue message hidden: a sending claim lasts as long.</summary>
    public static readonly TimeSpan DefaultSending = TimeSpan.FromMinutes(10);

    /// <summary>Far longer than a sweep takes from claiming a row to recording its enqueue.</summary>
    public static readonly TimeSpan DefaultEnqueuing = TimeSpan.FromMinutes(2);

    public TimeSpan Sending { get; init; } = DefaultSending;

    public TimeSpan Enqueuing { get; init; } = DefaultEnqueuing;

    /// <summary>
    /// The settings, or the defaults. Without <c>Delivery__ClaimTimeout</c>, the sending claim follows
    /// <c>LocalHost__QueueReceiveVisibility</c> when that is set, so the two stay equal (see DeliveryRecorder).
    /// </summary>
    public static ClaimTimeouts Read(IConfiguration configuration) => new()
    {
        Sending = Duration(configuration, SendingSetting) ?? Duration(configuration, QueueTriggerOptions.ReceiveVisibilityKey) ?? DefaultSending,
        Enqueuing = Duration(configuration, EnqueuingSetting) ?? DefaultEnqueuing,
    };

    private static TimeSpan? Duration(IConfiguration configuration, string key)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var duration) && duration > TimeSpan.Zero) return duration;
        throw new InvalidOperationException($"Invalid settings: {key.Replace(":", "__", StringComparison.Ordinal)}: must be a positive duration such as 00:10:00.");
    }
}
