using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Reminders.Benchmarks;

/// <summary>
/// Sends order webhooks as a sender's Standard Webhooks library does: headers webhook-id, webhook-timestamp and
/// webhook-signature = "v1," + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
/// </summary>
public sealed class WebhookClient(HttpClient http, byte[] key, TimeProvider time)
{
    public static HttpClient CreateHttpClient(Uri baseAddress) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public static string Sign(byte[] key, string id, long timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed, prefix.Length);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    /// <summary>Posts one signed order event; throws unless the app answers 200 (stored).</summary>
    public async Task PostOrderEventAsync(string body, CancellationToken cancellationToken, string? webhookId = null)
    {
        var id = webhookId ?? "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/orders") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", Sign(key, id, timestamp, bytes));
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"The app answered {(int)response.StatusCode} to a signed webhook: {text}");
        }
    }
}
