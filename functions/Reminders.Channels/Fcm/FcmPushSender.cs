using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Reminders.Channels.Http;

using Reminders.Core;

namespace Reminders.Channels.Fcm;

/// <summary>
/// Push through Firebase Cloud Messaging HTTP v1: POST {base}/v1/projects/{projectId}/messages:send
/// with {"message":{"token","notification":{"title","body"},"data":{...}}} and a service-account
/// Bearer token. 200 carries the message name.
/// </summary>
public sealed class FcmPushSender : IPushSender, IDisposable
{
    public const string Scope = "https://www.googleapis.com/auth/firebase.messaging";
    private const string Channel = "push";

    private readonly HttpClient _httpClient;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<FcmPushSender> _logger;
    private readonly Uri _sendUri;
    private readonly GoogleAccessTokenSource _tokens;

    public FcmPushSender(HttpClient httpClient, FcmOptions options, TimeProvider timeProvider, ILogger<FcmPushSender> logger)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(options));
        _httpClient = httpClient;
        _timeProvider = timeProvider;
        _logger = logger;
        var account = GoogleServiceAccount.Parse(options.ServiceAccountJson);
        var projectId = string.IsNullOrWhiteSpace(options.ProjectId) ? account.ProjectId! : options.ProjectId;
        _sendUri = new Uri(options.BaseUrl.AbsoluteUri.TrimEnd('/') + $"/v1/projects/{Uri.EscapeDataString(projectId)}/messages:send");
        _tokens = new GoogleAccessTokenSource(httpClient, account, Scope, timeProvider, logger);
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
            var (accessToken, tokenFailure) = await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            if (accessToken is null) return ChannelsLog.Outcome(_logger, Channel, Provider, masked, tokenFailure!);

            using var request = new HttpRequestMessage(HttpMethod.Post, _sendUri) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

            var (response, failure) = await ProviderHttp.SendAsync(_httpClient, request, cancellationToken).ConfigureAwait(false);
            if (failure is not null) return ChannelsLog.Outcome(_logger, Channel, Provider, masked, failure);
            using (response)
            {
                if (response!.StatusCode == HttpStatusCode.Unauthorized && attempt == 1)
                {
                    _tokens.Invalidate(accessToken);
                    ChannelsLog.TokenRejected(_logger);
                    continue;
                }
                var result = await ReadResultAsync(response, message.Token, masked, cancellationToken).ConfigureAwait(false);
                return ChannelsLog.Outcome(_logger, Channel, Provider, masked, result);
            }
        }
    }

    public void Dispose() => _tokens.Dispose();

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
