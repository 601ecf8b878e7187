using Azure.Core;

namespace Reminders.Storage;

/// <summary>
/// Options for the storage clients. Retries (inherited <see cref="ClientOptions.Retry"/>) follow
/// Azure.Core: exponential back-off on 408, 429, 500, 502, 503, 504 and network failures, never on
/// other 4xx.
/// </summary>
public sealed class StorageClientOptions : ClientOptions
{
    public StorageClientOptions()
    {
        Retry.MaxRetries = 3;
        Retry.Delay = TimeSpan.FromMilliseconds(200);
        Retry.MaxDelay = TimeSpan.FromSeconds(5);
        Retry.Mode = RetryMode.Exponential;
        Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
    }

    /// <summary>The clock for x-ms-date; tests may replace it.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
