using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Reminders.App.Hosting;
using Reminders.App.Merchants;
using Reminders.App.Orders;
using Reminders.App.Dispatch;
using Reminders.App.Observability;
using Reminders.Core;
using Reminders.Core.Orders;
using Reminders.Core.Webhooks;

namespace Reminders.App.Webhooks;

/// <summary>
/// Takes one webhook: size and media type, Standard Webhooks signature, then the event is parsed, validated and
/// stored before the answer says so. Anything the sender got wrong is a 4xx naming the field.
/// </summary>
public sealed partial class WebhookReceiver(
    WebhookSecrets secrets,
    OrderStore orders,
    MerchantPolicies policies,
    ReminderDispatcher dispatcher,
    TimeProvider time,
    ILogger<WebhookReceiver> logger,
    IOptions<WebhookOptions> options,
    ReminderMetrics? metrics = null)
{
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>
    /// Event times must fall in [<see cref="EarliestTime"/>, <see cref="LatestTime"/>): no real order has others, and
    /// at the ends of the calendar the reminder arithmetic overflows and Table storage (dates from 1601) refuses them.
    /// </summary>
    public static readonly DateTimeOffset EarliestTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <inheritdoc cref="EarliestTime"/>
    public static readonly DateTimeOffset LatestTime = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TimeSpan _storeTimeout = options.Value.StoreTimeout;

    public async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult, ServiceUnavailableProblem>> ReceiveAsync(HttpRequest request, WebhookSource source, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes) return Refused(source, "too_large", Problems.TooLarge(MaxBodyBytes));
        if (!IsJson(request.ContentType))
            return Refused(source, "media_type", Problems.UnsupportedMediaType("The body must be JSON (Content-Type: application/json)."));

        var body = await RequestBody.ReadAtMostAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null) return Refused(source, "too_large", Problems.TooLarge(MaxBodyBytes));

        var verification = Verify(request.Headers, source, body);
        if (verification != WebhookVerification.Valid)
        {
            LogRefused(logger, source, verification);
            return Refused(source, "signature", Problems.Unauthorized(Describe(verification)));
        }

        var webhookId = request.Headers[StandardWebhook.IdHeader].FirstOrDefault();
        return OrderEventParser.Parse(body, webhookId, source) switch
        {
            OrderEventParseResult.Invalid invalid => Refused(source, "invalid", Problems.BadRequest(invalid.Errors)),
            OrderEventParseResult.Ignored ignored when !InRange(ignored.OccurredAt) =>
                Refused(source, "invalid", Problems.BadRequest("timestamp", OutOfRangeMessage)),
            OrderEventParseResult.Accepted accepted when OutOfRange(accepted.Event) is { Count: > 0 } errors =>
                Refused(source, "invalid", Problems.BadRequest(errors)),
            OrderEventParseResult.Ignored ignored => await RecordIgnoredAsync(ignored, source, cancellationToken),
            OrderEventParseResult.Accepted accepted => await ApplyAsync(accepted.Event, source, cancellationToken),
            _ => throw new InvalidOperationException("Unexpected parse result."),
        };
    }

    private WebhookVerification Verify(IHeaderDictionary headers, WebhookSource source, byte[] body) =>
        StandardWebhook.Verify(
            secrets.For(source),
            headers[StandardWebhook.IdHeader].FirstOrDefault(),
            headers[StandardWebhook.TimestampHeader].FirstOrDefault(),
            headers[StandardWebhook.SignatureHeader].FirstOrDefault(),
            body,
            time.GetUtcNow());

    private ProblemHttpResult Refused(WebhookSource source, string reason, ProblemHttpResult problem)
    {
        metrics?.WebhookRefused(source, reason);
        return problem;
    }

    /// <summary>An event of a type this service does not act on is recorded (so a replay is a duplicate) and acknowledged.</summary>
    private async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult, ServiceUnavailableProblem>> RecordIgnoredAsync(OrderEventParseResult.Ignored ignored, WebhookSource source, CancellationToken cancellationToken)
    {
        using (var deadline = Deadline(cancellationToken))
        {
            try
            {
                await orders.RecordIgnoredAsync(ignored.EventId, ignored.Type, ignored.OccurredAt, ignored.OrderId, deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return StoreTimedOut(source);
            }
        }
        LogIgnored(logger, ignored.Type, ignored.OrderId);
        metrics?.WebhookAccepted(source, "ignored");
        return TypedResults.Ok(WebhookAnswer.Ignored(ignored.OrderId, ignored.Type));
    }

    /// <summary>Stores the event and the reminders it plans; what is due now is dispatched before the answer.</summary>
    private async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult, ServiceUnavailableProblem>> ApplyAsync(OrderEvent orderEvent, WebhookSource source, CancellationToken cancellationToken)
    {
        ApplyOutcome outcome;
        using (var deadline = Deadline(cancellationToken))
        {
            try
            {
                outcome = await orders.ApplyAsync(orderEvent, await policies.PlanningAsync(deadline.Token), deadline.Token);
            }
            catch (OrderTooLargeException)
            {
                return Refused(source, "invalid",
                    Problems.BadRequest("data.orderId", "names an order that holds as many events as it can; this one was not stored."));
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return StoreTimedOut(source);
            }
        }
        if (outcome is ApplyOutcome.Applied applied)
        {
            LogApplied(logger, orderEvent.Type.ToWire(), orderEvent.OrderId, applied.Order.State.ToWire());
            metrics?.WebhookAccepted(source, "applied");
            await DispatchDueNowAsync(applied.Planned, cancellationToken);
            return TypedResults.Ok(WebhookAnswer.Applied(applied.Order.OrderId, applied.Order.State.ToWire()));
        }
        metrics?.WebhookAccepted(source, "duplicate");
        return TypedResults.Ok(WebhookAnswer.Duplicate(orderEvent.OrderId));
    }

    private CancellationTokenSource Deadline(CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_storeTimeout);
        return deadline;
    }

    private ServiceUnavailableProblem StoreTimedOut(WebhookSource source)
    {
        LogStoreTimedOut(logger, source, _storeTimeout);
        metrics?.WebhookRefused(source, "storage_timeout");
        return Problems.StorageUnavailable(ExceptionProblemHandler.StorageRetryAfter);
    }

    /// <summary>
    /// The event is stored: whatever happens to the immediate dispatch, the answer is 200. A dispatch that fails or
    /// takes too long leaves the reminder's index entry for the next sweep.
    /// </summary>
    private async Task DispatchDueNowAsync(IReadOnlyList<ReminderRow> planned, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        try
        {
            await dispatcher.DispatchDueNowAsync(planned, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogDispatchTimedOut(logger, _storeTimeout);
        }
    }

    private const string OutOfRangeMessage = "must be between 2000-01-01 and 2200-01-01.";

    private static bool InRange(DateTimeOffset at) => at >= EarliestTime && at < LatestTime;

    private static List<FieldError> OutOfRange(OrderEvent e)
    {
        var errors = new List<FieldError>();
        if (!InRange(e.OccurredAt)) errors.Add(new FieldError("timestamp", OutOfRangeMessage));
        if (e.PayLaterDueAt is { } dueAt && !InRange(dueAt)) errors.Add(new FieldError("data.payLater.dueAt", OutOfRangeMessage));
        return errors;
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.HasValue
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.Value!.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static string Describe(WebhookVerification verification) => verification switch
    {
        WebhookVerification.MissingHeaders => "The webhook-id, webhook-timestamp and webhook-signature headers are required.",
        WebhookVerification.MalformedTimestamp => "webhook-timestamp must be unix seconds.",
        WebhookVerification.TimestampTooOld => "webhook-timestamp is more than 5 minutes in the past.",
        WebhookVerification.TimestampTooNew => "webhook-timestamp is more than 5 minutes in the future.",
        _ => "webhook-signature does not match the body with any configured secret.",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook on {Source} refused: {Verification}")]
    private static partial void LogRefused(ILogger logger, WebhookSource source, WebhookVerification verification);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook of ignored type {Type} for order {OrderId} acknowledged")]
    private static partial void LogIgnored(ILogger logger, string type, string? orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing a webhook on {Source} took longer than {Timeout}; answered 503")]
    private static partial void LogStoreTimedOut(ILogger logger, WebhookSource source, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Immediate dispatch took longer than {Timeout}; the next sweep sends what is left")]
    private static partial void LogDispatchTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Type} to order {OrderId}, now {State}")]
    private static partial void LogApplied(ILogger logger, string type, string orderId, string state);
}
