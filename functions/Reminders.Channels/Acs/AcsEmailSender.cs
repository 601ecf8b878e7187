using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Channels.Http;

using Reminders.Core;

namespace Reminders.Channels.Acs;

/// <summary>
/// Email through Azure Communication Services: POST {endpoint}/emails:send?api-version=2023-03-31,
/// HMAC-signed. 202 means queued; the message id is the operation id.
/// </summary>
public sealed class AcsEmailSender : IEmailSender
{
    /// <summary>The named HttpClient (and resilience pipeline) of this provider.</summary>
    public const string HttpClientName = "acs-email";

    private const string Channel = "email";
    private const string PathAndQuery = "emails:send?api-version=2023-03-31";

    // Error codes that mean the recipient address is the problem (the sender is fixed by configuration).
    private static readonly HashSet<string> ContactInvalidCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "InvalidEmailAddress",
        "EmailDroppedAllRecipientsSuppressed",
    };

    private readonly IHttpClientFactory _httpClients;
    private readonly AcsEmailOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AcsEmailSender> _logger;
    private readonly Uri _sendUri;
    private readonly AcsHmacSigner _signer;

    public AcsEmailSender(IHttpClientFactory httpClients, IOptions<AcsEmailOptions> options, TimeProvider timeProvider, ILogger<AcsEmailSender> logger)
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

    public async Task<DeliveryResult> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var masked = ContactMasking.MaskEmail(message.To);
        ChannelsLog.Sending(_logger, Channel, Provider, masked);

        var content = new JsonObject { ["subject"] = message.Subject, ["plainText"] = message.Text };
        if (message.Html is not null) content["html"] = message.Html;
        var email = new JsonObject
        {
            ["senderAddress"] = _options.SenderAddress,
            ["content"] = content,
            ["recipients"] = new JsonObject { ["to"] = new JsonArray(new JsonObject { ["address"] = message.To }) },
        };
        if (message.Headers is { Count: > 0 } headers)
        {
            var headerObject = new JsonObject();
            foreach (var (name, value) in headers) headerObject[name] = value;
            email["headers"] = headerObject;
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(email);

        // Our own operation id, so the id is known even if the answer is lost.
        var operationId = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, _sendUri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Add("Operation-Id", operationId);
        _signer.Sign(request, body);

        var (response, failure) = await ProviderHttp.SendAsync(_httpClients.CreateClient(HttpClientName), request, cancellationToken).ConfigureAwait(false);
        if (failure is not null) return ChannelsLog.Outcome(_logger, Channel, Provider, masked, failure);
        using (response)
        {
            var result = await ReadResultAsync(response!, operationId, message.To, masked, cancellationToken).ConfigureAwait(false);
            return ChannelsLog.Outcome(_logger, Channel, Provider, masked, result);
        }
    }

    private async Task<DeliveryResult> ReadResultAsync(
        HttpResponseMessage response, string operationId, string to, string masked, CancellationToken cancellationToken)
    {
        using var json = await ProviderHttp.ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        var root = json?.RootElement ?? default;

        if (response.IsSuccessStatusCode)
        {
            // 202 {"id": "...", "status": "Running"}
            return new DeliveryResult.Sent(root.GetString("id") is { Length: > 0 } id ? id : operationId);
        }

        var (code, errorMessage) = AcsErrors.Read(response, root);
        var reason = ContactMask.Scrub($"acs {ProviderHttp.StatusText(response.StatusCode)} {code}: {errorMessage}", to, masked);
        if (ProviderHttp.IsTransient(response.StatusCode)) return ProviderHttp.Transient(response, _timeProvider, reason);
        var contactInvalid = response.StatusCode == HttpStatusCode.BadRequest
            && (ContactInvalidCodes.Contains(code) || errorMessage.Contains("recipient", StringComparison.OrdinalIgnoreCase));
        return new DeliveryResult.PermanentFailure(reason, contactInvalid);
    }
}
