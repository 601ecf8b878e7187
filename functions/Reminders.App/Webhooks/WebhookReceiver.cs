using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Reminders.App.Hosting;
using Reminders.App.Orders;
using Reminders.App.Dispatch;
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
    ILogger<WebhookReceiver> logger)
{
    public const int MaxBodyBytes = 64 * 1024;

    public async Task<IResult> ReceiveAsync(HttpRequest request, WebhookSource source, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes) return Problems.TooLarge(MaxBodyBytes);
        if (!IsJson(request.ContentType)) return Problems.UnsupportedMediaType("The body must be JSON (Content-Type: application/json).");

        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null) return Problems.TooLarge(MaxBodyBytes);

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
            return Problems.Unauthorized(Describe(verification));
        }

        var webhookId = headers[StandardWebhook.IdHeader].FirstOrDefault();
        switch (OrderEventParser.Parse(body, webhookId, source))
        {
            case OrderEventParseResult.Invalid invalid:
                return Problems.BadRequest(invalid.Errors);

            case OrderEventParseResult.Ignored ignored:
                await orders.RecordIgnoredAsync(ignored.EventId, ignored.Type, ignored.OccurredAt, ignored.OrderId, cancellationToken);
                LogIgnored(logger, ignored.Type, ignored.OrderId);
                return Results.Ok(new { status = "ignored", orderId = ignored.OrderId, detail = $"Event type '{ignored.Type}' is not one this service acts on; it was recorded and acknowledged." });

            case OrderEventParseResult.Accepted accepted:
                var outcome = await orders.ApplyAsync(accepted.Event, settings, cancellationToken);
                if (outcome is ApplyOutcome.Applied applied)
                {
                    LogApplied(logger, accepted.Event.Type.ToWire(), accepted.Event.OrderId, applied.Order.State.ToWire());
                    await dispatcher.DispatchDueNowAsync(applied.Planned, cancellationToken);
                    return Results.Ok(new { status = "applied", orderId = applied.Order.OrderId, state = applied.Order.State.ToWire() });
                }
                return Results.Ok(new { status = "duplicate", orderId = accepted.Event.OrderId });

            default:
                throw new InvalidOperationException("Unexpected parse result.");
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Type} to order {OrderId}, now {State}")]
    private static partial void LogApplied(ILogger logger, string type, string orderId, string state);
}
