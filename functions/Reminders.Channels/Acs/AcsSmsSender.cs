using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Channels.Http;

using Reminders.Core;

namespace Reminders.Channels.Acs;

/// <summary>
/// SMS through Azure Communication Services: POST {endpoint}/sms?api-version=2021-03-07, HMAC-signed,
/// one recipient per request. The 202 answer carries a result per recipient.
/// </summary>
public sealed class AcsSmsSender : ISmsSender
{
    /// <summary>The named HttpClient (and resilience pipeline) of this provider.</summary>
    public const string HttpClientName = "acs-sms";

    private const string Channel = "sms";
    private const string PathAndQuery = "sms?api-version=2021-03-07";

    private readonly IHttpClientFactory _httpClients;
    private readonly AcsSmsOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AcsSmsSender> _logger;
    private readonly Uri _sendUri;
    private readonly AcsHmacSigner _signer;

    public AcsSmsSender(IHttpClientFactory httpClients, IOptions<AcsSmsOptions> options, TimeProvider timeProvider, ILogger<AcsSmsSender> logger)
    {
        _httpClients = httpClients;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        var connection = AcsConnectionString.Parse(_options.ConnectionString);
        _sendUri = connection.Resolve(PathAndQuery);
        _signer = new AcsHmacSigner(connection.AccessKey, timeProvider);
    }

    public string Provider => "acs";

    public async Task<DeliveryResult> SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var masked = ContactMasking.MaskPhone(message.To);
        ChannelsLog.Sending(_logger, Channel, Provider, masked);

        var body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["from"] = _options.From,
            ["smsRecipients"] = new JsonArray(new JsonObject { ["to"] = message.To }),
            ["message"] = message.Text,
            ["smsSendOptions"] = new JsonObject { ["enableDeliveryReport"] = _options.EnableDeliveryReport },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, _sendUri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _signer.Sign(request, body);

        var (response, failure) = await ProviderHttp.SendAsync(_httpClients.CreateClient(HttpClientName), request, cancellationToken).ConfigureAwait(false);
        if (failure is not null) return ChannelsLog.Outcome(_logger, Channel, Provider, masked, failure);
        using (response)
        {
            var result = await ReadResultAsync(response!, message.To, masked, cancellationToken).ConfigureAwait(false);
            return ChannelsLog.Outcome(_logger, Channel, Provider, masked, result);
        }
    }

    private async Task<DeliveryResult> ReadResultAsync(HttpResponseMessage response, string to, string masked, CancellationToken cancellationToken)
    {
        using var json = await ProviderHttp.ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        var root = json?.RootElement ?? default;

        if (!response.IsSuccessStatusCode)
        {
            var reason = ContactMask.Scrub(AcsErrors.Describe(response, root), to, masked);
            if (ProviderHttp.IsTransient(response.StatusCode)) return ProviderHttp.Transient(response, _timeProvider, reason);
            return new DeliveryResult.PermanentFailure(reason, ContactInvalid: false);
        }

        // {"value":[{"to","messageId","httpStatusCode","successful","errorMessage"}]}
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("value", out var items)
            || items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
        {
            return new DeliveryResult.TransientFailure($"acs {ProviderHttp.StatusText(response.StatusCode)} without a per-recipient result");
        }

        var item = items[0];
        var successful = item.TryGetProperty("successful", out var s) && s.ValueKind == JsonValueKind.True;
        if (successful && item.GetString("messageId") is { Length: > 0 } messageId) return new DeliveryResult.Sent(messageId);

        var status = item.GetInt("httpStatusCode") ?? 0;
        var itemReason = ContactMask.Scrub($"acs recipient HTTP {status}: {item.GetString("errorMessage")}", to, masked);
        if (status == 0 || ProviderHttp.IsTransient((System.Net.HttpStatusCode)status))
            return ProviderHttp.Transient(response, _timeProvider, itemReason);
        // The request as a whole was accepted, so a 4xx for the one recipient is about that number.
        return new DeliveryResult.PermanentFailure(itemReason, ContactInvalid: true);
    }
}

/// <summary>ACS error bodies: {"error":{"code":"...","message":"..."}}, code also in x-ms-error-code.</summary>
internal static class AcsErrors
{
    public static string Describe(HttpResponseMessage response, JsonElement root)
    {
        var (code, message) = Read(response, root);
        return $"acs {ProviderHttp.StatusText(response.StatusCode)} {code}: {message}";
    }

    public static (string Code, string Message) Read(HttpResponseMessage response, JsonElement root)
    {
        var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) ? e : default;
        var code = error.GetString("code")
            ?? (response.Headers.TryGetValues("x-ms-error-code", out var values) ? values.FirstOrDefault() : null)
            ?? "-";
        return (code, error.GetString("message") ?? "");
    }
}
