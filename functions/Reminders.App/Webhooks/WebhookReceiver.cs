using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Reminders.App.Hosting;
using Reminders.App.Orders;
using Reminders.App.Dispatch;
using Reminders.App.Observability;
using Reminders.Core;
using Reminders.Core.Orders;
using Reminders.Core.Settings;
using Reminders.Core.Webhooks;

namespace Reminders.App.Webhooks;

/// <summary>
/// Takes one webhook: size and media type, Standard Webhooks signature, then the event is parsed, validated and
/// stored before the answer says so. Anything the sender got wrong is a 4xx naming the field.
/// </summary>
public sealed partial class WebhookReceiver(
    WebhookSecrets secrets,
    OrderStore orders,
    ReminderSettings settings,
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

    public async Task<IResult> ReceiveAsync(HttpRequest request, WebhookSource source, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            metrics?.WebhookRefused(source, "too_large");
            return Problems.TooLarge(MaxBodyBytes);
        }
        if (!IsJson(request.ContentType))
        {
            metrics?.WebhookRefused(source, "media_type");
            return Problems.UnsupportedMediaType("The body must be JSON (Content-Type: application/json).");
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            metrics?.WebhookRefused(source, "too_large");
            return Problems.TooLarge(MaxBodyBytes);
        }

        var headers = request.Headers;
        var verification = StandardWebhook.Verify(
            secrets.For(source),
            headers[StandardWebhook.IdHeader].FirstOrDefault(),
            headers[StandardWebhook.TimestampHeader].FirstOrDefault(),
            headers[StandardWebhook.SignatureHeader].FirstOrDefault(),
            body,
            time.GetUtcNow());
        if (verification != WebhookVerification.Valid)
        {
            LogRefused(logger, source, verification);
            metrics?.WebhookRefused(source, "signature");
            return Problems.Unauthorized(Describe(verification));
        }

        var webhookId = headers[StandardWebhook.IdHeader].FirstOrDefault();
        switch (OrderEventParser.Parse(body, webhookId, source))
        {
            case OrderEventParseResult.Invalid invalid:
                metrics?.WebhookRefused(source, "invalid");
                return Problems.BadRequest(invalid.Errors);

            case OrderEventParseResult.Ignored ignored when !InRange(ignored.OccurredAt):
                metrics?.WebhookRefused(source, "invalid");
                return Problems.BadRequest("timestamp", OutOfRangeMessage);

            case OrderEventParseResult.Accepted accepted when OutOfRange(accepted.Event) is { Count: > 0 } errors:
                metrics?.WebhookRefused(source, "invalid");
                return Problems.BadRequest(errors);

            case OrderEventParseResult.Ignored ignored:
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
                return Results.Ok(new { status = "ignored", orderId = ignored.OrderId, detail = $"Event type '{ignored.Type}' is not one this service acts on; it was recorded and acknowledged." });

            case OrderEventParseResult.Accepted accepted:
                ApplyOutcome outcome;
                using (var deadline = Deadline(cancellationToken))
                {
                    try
                    {
                        outcome = await orders.ApplyAsync(accepted.Event, settings, deadline.Token);
                    }
                    catch (OrderTooLargeException)
                    {
                        metrics?.WebhookRefused(source, "invalid");
                        return Problems.BadRequest("data.orderId", "names an order that holds as many events as it can; this one was not stored.");
                    }
                    catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        return StoreTimedOut(source);
                    }
                }
                if (outcome is ApplyOutcome.Applied applied)
                {
                    LogApplied(logger, accepted.Event.Type.ToWire(), accepted.Event.OrderId, applied.Order.State.ToWire());
                    metrics?.WebhookAccepted(source, "applied");
                    await DispatchDueNowAsync(applied.Planned, cancellationToken);
                    return Results.Ok(new { status = "applied", orderId = applied.Order.OrderId, state = applied.Order.State.ToWire() });
                }
                metrics?.WebhookAccepted(source, "duplicate");
                return Results.Ok(new { status = "duplicate", orderId = accepted.Event.OrderId });

            default:
                throw new InvalidOperationException("Unexpected parse result.");
        }
    }

    private CancellationTokenSource Deadline(CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_storeTimeout);
        return deadline;
    }

    private IResult StoreTimedOut(WebhookSource source)
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

    /// <summary>Reads at most <see cref="MaxBodyBytes"/>; null when the body is longer (never read whole).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyBytes + 1);
        try
        {
            var total = 0;
            while (total <= MaxBodyBytes)
            {
                var read = await request.Body.ReadAsync(buffer.AsMemory(total, MaxBodyBytes + 1 - total), cancellationToken);
                if (read == 0) return buffer.AsSpan(0, total).ToArray();
                total += read;
            }
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

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
