using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Reminders.App.Buyers;
using Reminders.App.Delivery;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;
using Reminders.Core;
using Reminders.Core.Notifications;

namespace Reminders.App.Functions;

/// <summary>
/// Twilio's inbound SMS webhook (form-encoded), verified with X-Twilio-Signature against the auth token and the
/// public URL (Reminders__PublicBaseUrl + path and query). STOP words opt the sending number out of SMS for every
/// buyer using it; START and UNSTOP opt it back in. Answers empty TwiML: Twilio's own opt-out handling replies.
/// </summary>
public sealed partial class TwilioInboundSms(DeliverySettings settings, BuyerStore buyers, ILogger<TwilioInboundSms> logger)
{
    /// <summary>Twilio's forms are a few KB; the signature is checked only after the body is read, so it is capped first.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public const string EmptyTwiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "TD", "退订",
    };

    private static readonly HashSet<string> StartWords = new(StringComparer.OrdinalIgnoreCase) { "START", "UNSTOP" };

    [Function(nameof(TwilioInboundSms))]
    [EndpointSummary("Twilio inbound SMS webhook: STOP / START keywords")]
    [Tags("Webhooks")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/xml")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status413PayloadTooLarge)]
    [ProducesProblem(StatusCodes.Status415UnsupportedMediaType)]
    public async Task<Results<ContentHttpResult, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/sms/inbound/twilio")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return Problems.UnsupportedMediaType("Twilio posts application/x-www-form-urlencoded.");
        }
        if (await RequestBody.ReadAtMostAsync(request, MaxBodyBytes, cancellationToken) is not { } bytes)
        {
            LogRefused(logger, StatusCodes.Status413PayloadTooLarge, $"body over {MaxBodyBytes} bytes");
            return Problems.TooLarge(MaxBodyBytes);
        }
        if (RequestBody.TryParseForm(bytes) is not { } form)
        {
            LogRefused(logger, StatusCodes.Status400BadRequest, "form over the field limits");
            return Problems.BadRequest("body", $"must be a form of at most {FormReader.DefaultValueCountLimit} fields, names of at most {FormReader.DefaultKeyLengthLimit} characters.");
        }
        var parameters = form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? ""))).ToList();
        var url = settings.PublicBaseUrl.AbsoluteUri.TrimEnd('/') + request.Path + request.QueryString;
        var signature = request.Headers[TwilioRequestSignature.Header].FirstOrDefault();
        if (settings.TwilioAuthToken is not { } token || !TwilioRequestSignature.IsValid(token, url, parameters, signature))
        {
            return Problems.Forbidden(
                "The X-Twilio-Signature header does not match this request (or Channels__Sms__Twilio__AuthToken is not set).");
        }

        var from = form["From"].FirstOrDefault()?.Trim();
        var body = form["Body"].FirstOrDefault()?.Trim() ?? "";
        if (!string.IsNullOrEmpty(from))
        {
            if (StopWords.Contains(body))
            {
                await buyers.OptOutContactAsync(Channel.Sms, from, cancellationToken);
                LogOptedOut(logger, ContactMasking.MaskPhone(from));
            }
            else if (StartWords.Contains(body))
            {
                await buyers.OptInContactAsync(Channel.Sms, from, cancellationToken);
                LogOptedIn(logger, ContactMasking.MaskPhone(from));
            }
        }
        return TypedResults.Content(EmptyTwiml, "text/xml; charset=utf-8");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio inbound SMS refused with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS STOP from {MaskedPhone}: the number is opted out of SMS")]
    private static partial void LogOptedOut(ILogger logger, string maskedPhone);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS START from {MaskedPhone}: the number is opted in again")]
    private static partial void LogOptedIn(ILogger logger, string maskedPhone);
}
