using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Reminders.Storage;

namespace Reminders.App.Hosting;

/// <summary>
/// host.json <c>extensions.queues</c>, with the Functions host's defaults and limits. App settings such as
/// <c>AzureFunctionsJobHost__extensions__queues__batchSize</c> override host.json.
/// </summary>
public sealed class QueueTriggerOptions
{
    public const string SectionPath = FunctionsConfiguration.HostSection + ":extensions:queues";
    public const int MaxBatchSize = QueueClient.MaxMessagesPerReceive;
    public static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

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

    public QueueMessageEncoding MessageEncoding { get; init; } = QueueMessageEncoding.Base64;

    /// <summary>
    /// How long a received message stays hidden while its function runs; renewed every half of it.
    /// Fixed at 10 minutes by the Functions host; tests shorten it.
    /// </summary>
    internal TimeSpan ReceiveVisibilityTimeout { get; init; } = TimeSpan.FromMinutes(10);

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
        if (visibility < TimeSpan.Zero || visibility > QueueClient.MaxVisibilityTimeout)
        {
            reader.Fail("visibilityTimeout", $"must be between 00:00:00 and {QueueClient.MaxVisibilityTimeout}; it is {visibility}.");
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

        if (reader.Errors.Count > 0) throw new OptionsValidationException(SectionPath, typeof(QueueTriggerOptions), reader.Errors);
        return new QueueTriggerOptions
        {
            BatchSize = batchSize,
            NewBatchThreshold = threshold,
            MaxPollingInterval = maxPolling,
            VisibilityTimeout = visibility,
            MaxDequeueCount = maxDequeue,
            MessageEncoding = encoding,
        };
    }
}
