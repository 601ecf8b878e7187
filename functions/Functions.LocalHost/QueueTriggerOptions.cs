using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Functions.LocalHost;

/// <summary>
/// host.json <c>extensions.queues</c>, with the Functions host's defaults and limits. App settings such as
/// <c>AzureFunctionsJobHost__extensions__queues__batchSize</c> override host.json.
/// </summary>
public sealed class QueueTriggerOptions
{
    public const string SectionPath = FunctionsConfiguration.HostSection + ":extensions:queues";

    /// <summary>Setting of <see cref="ReceiveVisibilityTimeout"/>, for fault-injection runs.</summary>
    public const string ReceiveVisibilityKey = "LocalHost:QueueReceiveVisibility";

    public const int MaxBatchSize = 32;
    public static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromDays(7);

    /// <summary>Messages fetched per poll (1 to 32).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>A new batch is fetched while fewer than this many messages are in flight.</summary>
    public int NewBatchThreshold { get; init; } = 8 * Environment.ProcessorCount;

    /// <summary>The longest wait between two polls of an empty queue (at least 100 ms).</summary>
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a failed message stays invisible before its next try.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>Tries before a message goes to the poison queue.</summary>
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>Base64 (the default) or None: how the message text carries its bytes.</summary>
    public QueueMessageEncoding MessageEncoding { get; init; } = QueueMessageEncoding.Base64;

    /// <summary>
    /// How long a received message stays hidden while its function runs; renewed every half of it. Fixed at 10
    /// minutes by the Functions host; setting <c>LocalHost__QueueReceiveVisibility</c> shortens it so that a
    /// killed instance's messages come back sooner in fault-injection runs.
    /// </summary>
    public TimeSpan ReceiveVisibilityTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Reads and validates the settings; throws <see cref="OptionsValidationException"/> listing every bad one.</summary>
    public static QueueTriggerOptions Load(IConfiguration configuration)
    {
        var reader = new HostSettingsReader(configuration, SectionPath);
        var batchSize = reader.Int("batchSize") ?? 16;
        if (batchSize is < 1 or > MaxBatchSize) reader.Fail("batchSize", $"must be between 1 and {MaxBatchSize}; it is {batchSize}.");

        var threshold = reader.Int("newBatchThreshold") ?? batchSize / 2 * Environment.ProcessorCount;
        if (threshold < 0) reader.Fail("newBatchThreshold", $"must not be negative; it is {threshold}.");

        var maxPolling = reader.Duration("maxPollingInterval") ?? TimeSpan.FromMinutes(1);
        if (maxPolling < MinPollingInterval) reader.Fail("maxPollingInterval", $"must be at least {MinPollingInterval}; it is {maxPolling}.");

        var visibility = reader.Duration("visibilityTimeout") ?? TimeSpan.Zero;
        if (visibility < TimeSpan.Zero || visibility > MaxVisibilityTimeout)
        {
            reader.Fail("visibilityTimeout", $"must be between 00:00:00 and {MaxVisibilityTimeout}; it is {visibility}.");
        }

        var maxDequeue = reader.Int("maxDequeueCount") ?? 5;
        if (maxDequeue < 1) reader.Fail("maxDequeueCount", $"must be at least 1; it is {maxDequeue}.");

        var encoding = QueueMessageEncoding.Base64;
        switch (reader.Text("messageEncoding")?.ToLowerInvariant())
        {
            case null or "base64":
                break;
            case "none":
                encoding = QueueMessageEncoding.None;
                break;
            case var other:
                reader.Fail("messageEncoding", $"must be 'base64' or 'none'; it is '{other}'.");
                break;
        }

        var local = new HostSettingsReader(configuration, "LocalHost");
        var receiveVisibility = local.Duration("QueueReceiveVisibility") ?? TimeSpan.FromMinutes(10);
        if (receiveVisibility < TimeSpan.FromSeconds(1) || receiveVisibility > MaxVisibilityTimeout)
        {
            local.Fail("QueueReceiveVisibility", $"must be between 00:00:01 and {MaxVisibilityTimeout}; it is {receiveVisibility}.");
        }

        var errors = reader.Errors.Concat(local.Errors).ToList();
        if (errors.Count > 0) throw new OptionsValidationException(SectionPath, typeof(QueueTriggerOptions), errors);
        return new QueueTriggerOptions
        {
            BatchSize = batchSize,
            NewBatchThreshold = threshold,
            MaxPollingInterval = maxPolling,
            VisibilityTimeout = visibility,
            MaxDequeueCount = maxDequeue,
            MessageEncoding = encoding,
            ReceiveVisibilityTimeout = receiveVisibility,
        };
    }
}
