using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Reminders.Channels.Http;

/// <summary>What every provider does alike: send, turn transport trouble and retryable statuses into transient failures.</summary>
internal static class ProviderHttp
{
    /// <summary>Sends the request; a timeout, an open circuit or a network error becomes a transient failure instead of an exception.</summary>
    public static async Task<(HttpResponseMessage? Response, DeliveryResult? Failure)> SendAsync(
        HttpClient httpClient, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken)
                .ConfigureAwait(false);
            return (response, null);
        }
        catch (Exception e) when (TransportFailure(e, cancellationToken) is { } failure)
        {
            return (null, failure);
        }
    }

    /// <summary>What a call that got no answer means; null for an exception that is not about the transport.</summary>
    public static DeliveryResult.TransientFailure? TransportFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        TimeoutRejectedException => new("timeout"),
        // The caller did not cancel, so a timeout below the pipeline fired (a connect timeout, say).
        OperationCanceledException when !cancellationToken.IsCancellationRequested => new("timeout"),
        BrokenCircuitException => new("circuit open after repeated failures; not called", ProviderResilience.BreakDuration),
        HttpRequestException e => new($"network error ({e.HttpRequestError})"),
        _ => null,
    };

    /// <summary>408, 429 and every 5xx are worth trying again.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>Retry-After as delta-seconds or as an HTTP-date (measured against <paramref name="timeProvider"/>).</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    public static DeliveryResult.TransientFailure Transient(HttpResponseMessage response, TimeProvider timeProvider, string reason) =>
        new(reason, RetryAfter(response, timeProvider));

    /// <summary>The response body as JSON, or null when it is empty or not JSON.</summary>
    public static async Task<JsonDocument?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0) return null;
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? GetString(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static int? GetInt(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt32(out var number)
            ? number
            : null;

    public static string StatusText(HttpStatusCode status) => $"HTTP {(int)status}";
}
