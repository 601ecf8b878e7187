using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Reminders.Channels.Http;

namespace Reminders.Channels.Webhooks;

/// <summary>
/// POSTs a merchant webhook as application/json with the caller's headers (the caller signs it per
/// Standard Webhooks). 2xx is delivered (message id = webhook-id); 410 means the endpoint is gone.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory httpClients, TimeProvider timeProvider, ILogger<WebhookSender> logger) : IWebhookSender
{
    /// <summary>The named HttpClient of merchant webhooks; its resilience pipeline (and circuit) is per merchant host.</summary>
    public const string HttpClientName = "merchant-webhooks";

    private const string Channel = "webhook";
    private const string Provider = "http";

    public async Task<DeliveryResult> SendAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        // The merchant's endpoint is not a buyer contact; its host is enough to tell deliveries apart.
        var target = message.Url.Host;
        ChannelsLog.Sending(logger, Channel, Provider, target);

        using var request = new HttpRequestMessage(HttpMethod.Post, message.Url)
        {
            // The exact bytes that were signed: UTF-8 of Body, nothing re-serialized.
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(message.Body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in message.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) continue;
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var (response, failure) = await ProviderHttp.SendAsync(httpClients.CreateClient(HttpClientName), request, cancellationToken).ConfigureAwait(false);
        if (failure is not null) return ChannelsLog.Outcome(logger, Channel, Provider, target, failure);
        using (response)
        {
            return ChannelsLog.Outcome(logger, Channel, Provider, target, Classify(response!, message));
        }
    }

    private DeliveryResult Classify(HttpResponseMessage response, WebhookMessage message)
    {
        if (response.IsSuccessStatusCode)
        {
            var id = message.Headers.FirstOrDefault(h => h.Key.Equals("webhook-id", StringComparison.OrdinalIgnoreCase)).Value;
            return new DeliveryResult.Sent(id ?? "");
        }
        var reason = $"merchant endpoint answered {ProviderHttp.StatusText(response.StatusCode)}";
        if (response.StatusCode == HttpStatusCode.Gone) return new DeliveryResult.PermanentFailure(reason + " (gone)", ContactInvalid: true);
        if (ProviderHttp.IsTransient(response.StatusCode)) return ProviderHttp.Transient(response, timeProvider, reason);
        return new DeliveryResult.PermanentFailure(reason, ContactInvalid: false);
    }
}
