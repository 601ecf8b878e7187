using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.Channels.Http;

using Reminders.Core;

namespace Reminders.Channels.Twilio;

/// <summary>
/// SMS through Twilio: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded
/// To, From or MessagingServiceSid, Body, with HTTP basic auth. 201 carries the message sid.
/// </summary>
/// <remarks>
/// The documented REST call rather than the Twilio SDK (8.2.0): the SDK's ApiException keeps Twilio's code and status
/// but not the response headers, so Retry-After (which the queue honours) would be lost; its resources call a fixed
/// api.twilio.com, so the stub tests would need a host-rewriting handler; its documented set-up is the static
/// TwilioClient.Init; and it is a 10 MB assembly with Newtonsoft.Json and JWT dependencies for this one POST.
/// </remarks>
public sealed class TwilioSmsSender : ISmsSender
{
    /// <summary>The named HttpClient (and resilience pipeline) of this provider.</summary>
    public const string HttpClientName = "twilio";

    private const string Channel = "sms";

    // Twilio error codes that say the recipient number itself cannot be messaged.
    private static readonly HashSet<int> ContactInvalidCodes =
    [
        21211, // invalid 'To' phone number
        21214, // 'To' phone number cannot be reached
        21217, // phone number does not appear to be valid
        21401, // invalid phone number
        21610, // recipient unsubscribed (replied STOP)
        21612, // 'To' number not reachable by this channel
        21614, // 'To' number is not a valid mobile number
    ];

    private readonly IHttpClientFactory _httpClients;
    private readonly TwilioSmsOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<TwilioSmsSender> _logger;
    private readonly Uri _messagesUri;
    private readonly AuthenticationHeaderValue _authorization;

    public TwilioSmsSender(IHttpClientFactory httpClients, IOptions<TwilioSmsOptions> options, TimeProvider timeProvider, ILogger<TwilioSmsSender> logger)
    {
        _httpClients = httpClients;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _messagesUri = new Uri(
            _options.BaseUrl.AbsoluteUri.TrimEnd('/') + $"/2010-04-01/Accounts/{Uri.EscapeDataString(_options.AccountSid)}/Messages.json");
        var credentials = _options.UsesApiKey ? $"{_options.ApiKeySid}:{_options.ApiKeySecret}" : $"{_options.AccountSid}:{_options.AuthToken}";
        _authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
    }

    public string Provider => "twilio";

    public async Task<DeliveryResult> SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var masked = ContactMasking.MaskPhone(message.To);
        ChannelsLog.Sending(_logger, Channel, Provider, masked);

        var form = new List<KeyValuePair<string, string>> { new("To", message.To) };
        if (!string.IsNullOrWhiteSpace(_options.MessagingServiceSid)) form.Add(new("MessagingServiceSid", _options.MessagingServiceSid));
        if (!string.IsNullOrWhiteSpace(_options.From)) form.Add(new("From", _options.From));
        form.Add(new("Body", message.Text));

        using var request = new HttpRequestMessage(HttpMethod.Post, _messagesUri) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = _authorization;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

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

        if (response.IsSuccessStatusCode)
        {
            return root.GetString("sid") is { Length: > 0 } sid
                ? new DeliveryResult.Sent(sid)
                : new DeliveryResult.TransientFailure($"{ProviderHttp.StatusText(response.StatusCode)} without a message sid");
        }

        // Error body: {"code": 21211, "message": "...", "more_info": "...", "status": 400}
        var code = root.GetInt("code");
        var reason = ContactMask.Scrub(
            $"twilio {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} ({ProviderHttp.StatusText(response.StatusCode)}): {root.GetString("message")}",
            to, masked);

        if (ProviderHttp.IsTransient(response.StatusCode)) return ProviderHttp.Transient(response, _timeProvider, reason);
        var contactInvalid = code is { } c && ContactInvalidCodes.Contains(c);
        return new DeliveryResult.PermanentFailure(reason, contactInvalid);
    }
}
