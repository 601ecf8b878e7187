using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Channels.Http;

using Reminders.Core;

namespace Reminders.Channels.Fcm;

/// <summary>
/// Push through Firebase Cloud Messaging HTTP v1: POST {base}/v1/projects/{projectId}/messages:send
/// with {"message":{"token","notification":{"title","body"},"data":{...}}} and a service-account
/// Bearer token. 200 carries the message name.
/// </summary>
/// <remarks>
/// The OAuth token comes from Google.Apis.Auth's ServiceAccountCredential, which signs the JWT assertion, exchanges
/// it at the key's token_uri, caches the token and refreshes it before it expires. Its token requests go through
/// the named client <see cref="TokenHttpClientName"/>, so they have the same timeouts and circuit breaker as the send;
/// the library's own retries are off (a failure goes back to the queue like any other).
/// </remarks>
public sealed class FcmPushSender : IPushSender
{
    public const string Scope = "https://www.googleapis.com/auth/firebase.messaging";

    /// <summary>The named HttpClient (and resilience pipeline) of the FCM send.</summary>
    public const string HttpClientName = "fcm";

    /// <summary>The named HttpClient of the OAuth token endpoint.</summary>
    public const string TokenHttpClientName = "google-oauth";

    private const string Channel = "push";

    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<FcmPushSender> _logger;
    private readonly Uri _sendUri;
    private readonly ServiceAccountCredential _credential;

    public FcmPushSender(
        IHttpClientFactory httpClients, IHttpMessageHandlerFactory handlers, IOptions<FcmOptions> options,
        TimeProvider timeProvider, ILogger<FcmPushSender> logger)
    {
        _httpClients = httpClients;
        _timeProvider = timeProvider;
        _logger = logger;
        var fcm = options.Value;
        var account = fcm.ServiceAccount();
        var projectId = fcm.EffectiveProjectId(account);
        _sendUri = new Uri(fcm.BaseUrl.AbsoluteUri.TrimEnd('/') + $"/v1/projects/{Uri.EscapeDataString(projectId)}/messages:send");
        _credential = new ServiceAccountCredential(
            new ServiceAccountCredential.Initializer(account.ClientEmail, account.TokenUri ?? GoogleAuthConsts.OidcTokenUrl)
            {
                Scopes = [Scope],
                KeyId = account.PrivateKeyId,
                Clock = new TimeProviderClock(timeProvider),
                DefaultExponentialBackOffPolicy = Google.Apis.Http.ExponentialBackOffPolicy.None,
                HttpClientFactory = new Google.Apis.Http.HttpClientFromMessageHandlerFactory(_ =>
                    new Google.Apis.Http.HttpClientFromMessageHandlerFactory.ConfiguredHttpMessageHandler(
                        handlers.CreateHandler(TokenHttpClientName), performsAutomaticDecompression: false, handlesRedirect: false)),
            }.FromPrivateKey(account.PrivateKey));
    }

    public string Provider => "fcm";

    public async Task<DeliveryResult> SendAsync(PushMessage message, CancellationToken cancellationToken)
    {
        var masked = ContactMasking.MaskPushToken(message.Token);
        ChannelsLog.Sending(_logger, Channel, Provider, masked);
        var body = CreateBody(message);

        // A 401 means the access token went stale early: fetch a new one and try once more.
        for (var attempt = 1; ; attempt++)
        {
            var (accessToken, tokenFailure) = await AccessTokenAsync(forceRefresh: attempt > 1, cancellationToken).ConfigureAwait(false);
            if (accessToken is null) return ChannelsLog.Outcome(_logger, Channel, Provider, masked, tokenFailure!);

            using var request = new HttpRequestMessage(HttpMethod.Post, _sendUri) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

            var (response, failure) = await ProviderHttp.SendAsync(_httpClients.CreateClient(HttpClientName), request, cancellationToken).ConfigureAwait(false);
            if (failure is not null) return ChannelsLog.Outcome(_logger, Channel, Provider, masked, failure);
            using (response)
            {
                if (response!.StatusCode == HttpStatusCode.Unauthorized && attempt == 1)
                {
                    ChannelsLog.TokenRejected(_logger);
                    continue;
                }
                var result = await ReadResultAsync(response, message.Token, masked, cancellationToken).ConfigureAwait(false);
                return ChannelsLog.Outcome(_logger, Channel, Provider, masked, result);
            }
        }
    }

    /// <summary>The cached access token (the library refreshes it when due), a new one when forced, or why none could be had.</summary>
    private async Task<(string? Token, DeliveryResult? Failure)> AccessTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        try
        {
            if (forceRefresh) await _credential.RequestAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            return (await _credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken).ConfigureAwait(false), null);
        }
        catch (TokenResponseException e)
        {
            // {"error": "invalid_grant", "error_description": "..."}
            var reason = $"token endpoint {(e.StatusCode is { } status ? ProviderHttp.StatusText(status) : "-")} {e.Error?.Error}: {e.Error?.ErrorDescription}";
            return e.StatusCode is { } code && ProviderHttp.IsTransient(code)
                ? (null, new DeliveryResult.TransientFailure(reason))
                : (null, new DeliveryResult.PermanentFailure(reason, ContactInvalid: false));
        }
        catch (Exception e) when (ProviderHttp.TransportFailure(e, cancellationToken) is { } failure)
        {
            return (null, failure with { Reason = "token endpoint: " + failure.Reason });
        }
    }

    private static byte[] CreateBody(PushMessage message)
    {
        var fcmMessage = new JsonObject
        {
            ["token"] = message.Token,
            ["notification"] = new JsonObject { ["title"] = message.Title, ["body"] = message.Body },
        };
        if (message.Data is { Count: > 0 } data)
        {
            var dataObject = new JsonObject();
            foreach (var (key, value) in data) dataObject[key] = value;
            fcmMessage["data"] = dataObject;
        }
        return JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["message"] = fcmMessage });
    }

    private async Task<DeliveryResult> ReadResultAsync(HttpResponseMessage response, string token, string masked, CancellationToken cancellationToken)
    {
        using var json = await ProviderHttp.ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        var root = json?.RootElement ?? default;

        if (response.IsSuccessStatusCode)
        {
            // {"name": "projects/{project}/messages/{id}"}
            return root.GetString("name") is { Length: > 0 } name
                ? new DeliveryResult.Sent(name)
                : new DeliveryResult.TransientFailure($"fcm {ProviderHttp.StatusText(response.StatusCode)} without a message name");
        }

        // {"error":{"code":404,"message":"...","status":"NOT_FOUND","details":[{"@type":"...FcmError","errorCode":"UNREGISTERED"}]}}
        var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) ? e : default;
        var errorMessage = error.GetString("message") ?? "";
        string? fcmErrorCode = null;
        var tokenFieldViolated = false;
        if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
        {
            foreach (var detail in details.EnumerateArray())
            {
                fcmErrorCode ??= detail.GetString("errorCode");
                if (detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("fieldViolations", out var violations)
                    && violations.ValueKind == JsonValueKind.Array)
                {
                    tokenFieldViolated |= violations.EnumerateArray().Any(v => v.GetString("field") == "message.token");
                }
            }
        }
        var code = fcmErrorCode ?? error.GetString("status") ?? "-";
        var reason = ContactMask.Scrub($"fcm {ProviderHttp.StatusText(response.StatusCode)} {code}: {errorMessage}", token, masked);

        if (ProviderHttp.IsTransient(response.StatusCode)) return ProviderHttp.Transient(response, _timeProvider, reason);
        var contactInvalid = code switch
        {
            "UNREGISTERED" or "SENDER_ID_MISMATCH" => true,
            "INVALID_ARGUMENT" => tokenFieldViolated || errorMessage.Contains("registration token", StringComparison.OrdinalIgnoreCase),
            _ => response.StatusCode == HttpStatusCode.NotFound,
        };
        return new DeliveryResult.PermanentFailure(reason, contactInvalid);
    }
}
