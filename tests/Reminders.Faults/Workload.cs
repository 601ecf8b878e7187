using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Reminders.Core.Webhooks;
using Reminders.TestSupport;

namespace Reminders.Faults;

/// <summary>When an order is paid: never (its reminder must arrive), before its reminder is due, or after.</summary>
public enum Payment
{
    None,
    BeforeDue,
    AfterDue,
}

/// <summary>One order of a scenario: one buyer with one contact, so every message reaching a provider names its order.</summary>
public sealed record PlannedOrder(string OrderId, string Channel, string Contact, Payment Payment)
{
    public string CreatedWebhookId => "msg_created_" + OrderId;
    public string PaidWebhookId => "msg_paid_" + OrderId;
}

/// <summary>A signed event ready to be posted (and posted again: a retry or a replay keeps its webhook-id).</summary>
public sealed record WebhookEvent(string WebhookId, string Endpoint, string OrderId, string Type, string Body);

/// <summary>Orders of a scenario with unique contacts; a third on each channel (push, SMS, email) unless told otherwise.</summary>
public static class Orders
{
    public static List<PlannedOrder> Plan(int scenario, int count, IReadOnlyList<string> channels, Random random) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var orderId = $"F{scenario}-{i:D5}";
            var channel = channels[i % channels.Count];
            var contact = channel switch
            {
                "sms" => $"+86139{scenario:D2}{i:D6}",
                "email" => $"{orderId.ToLowerInvariant()}@buyers.example",
                _ => "fcm-" + orderId + "-" + Guid.NewGuid().ToString("N")[..12],
            };
            var roll = random.NextDouble();
            var payment = roll < 0.15 ? Payment.BeforeDue : roll < 0.30 ? Payment.AfterDue : Payment.None;
            return new PlannedOrder(orderId, channel, contact, payment);
        })];

    public static WebhookEvent Created(PlannedOrder order, DateTimeOffset at) => new(order.CreatedWebhookId, "orders", order.OrderId, "order.created",
        JsonSerializer.Serialize(new
        {
            type = "order.created",
            timestamp = at.ToString("O", CultureInfo.InvariantCulture),
            data = new
            {
                orderId = order.OrderId,
                merchantId = "m-faults",
                buyer = new
                {
                    id = "b-" + order.OrderId,
                    phone = order.Channel == "sms" ? order.Contact : null,
                    email = order.Channel == "email" ? order.Contact : null,
                    pushToken = order.Channel == "push" ? order.Contact : null,
                    locale = "en",
                    timeZone = "Asia/Shanghai",
                },
                amount = new { value = "199.00", currency = "CNY" },
            },
        }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));

    public static WebhookEvent Paid(PlannedOrder order, DateTimeOffset at) => new(order.PaidWebhookId, "payments", order.OrderId, "payment.succeeded",
        JsonSerializer.Serialize(new
        {
            type = "payment.succeeded",
            timestamp = at.ToString("O", CultureInfo.InvariantCulture),
            data = new { orderId = order.OrderId, paymentId = "pay-" + order.OrderId, amount = new { value = "199.00", currency = "CNY" } },
        }));
}

/// <summary>One answer (or none: connection refused or reset, timeout) to one webhook POST.</summary>
public sealed record WebhookAttempt(string WebhookId, DateTimeOffset StartedAt, int? Status);

/// <summary>
/// Posts signed webhooks as an order or payment system would: a fresh signature timestamp on every try, the same
/// webhook-id, and tries again (on another instance when there are several) until the app answers 2xx.
/// </summary>
public sealed class WebhookSender(RunSecrets secrets, TimeProvider time) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(20) })
    {
        Timeout = TimeSpan.FromSeconds(20),
    };
    private readonly WebhookSecret _orders = StandardWebhook.ParseSecrets(secrets.OrdersSetting, "orders")[0];
    private readonly WebhookSecret _payments = StandardWebhook.ParseSecrets(secrets.PaymentsSetting, "payments")[0];
    private readonly ConcurrentQueue<WebhookAttempt> _attempts = new();
    private readonly ConcurrentDictionary<string, (string OrderId, DateTimeOffset At)> _acknowledged = new();
    private int _next;

    /// <summary>Where the app listens: one address per instance.</summary>
    public IReadOnlyList<Uri> Targets { get; set; } = [];

    public IReadOnlyList<WebhookAttempt> Attempts => [.. _attempts];

    /// <summary>Webhook ids answered 2xx, with their order and when the first 2xx came.</summary>
    public IReadOnlyDictionary<string, (string OrderId, DateTimeOffset At)> Acknowledged => _acknowledged;

    /// <summary>Posts until a 2xx (true) or until cancelled (false).</summary>
    public async Task<bool> DeliverAsync(WebhookEvent e, CancellationToken cancellationToken)
    {
        for (var tries = 0; !cancellationToken.IsCancellationRequested; tries++)
        {
            var targets = Targets;
            var target = targets[Math.Abs(Interlocked.Increment(ref _next)) % targets.Count];
            if (await PostOnceAsync(e, target, cancellationToken)) return true;
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 250 * (tries + 1))), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
        return false;
    }

    public async Task<bool> PostOnceAsync(WebhookEvent e, Uri target, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var timestamp = startedAt.ToUnixTimeSeconds();
        var body = Encoding.UTF8.GetBytes(e.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target, $"api/webhooks/{e.Endpoint}")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(StandardWebhook.IdHeader, e.WebhookId);
        request.Headers.Add(StandardWebhook.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(StandardWebhook.SignatureHeader, StandardWebhook.Sign(e.Endpoint == "orders" ? _orders : _payments, e.WebhookId, timestamp, body));
        HttpStatusCode status;
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            status = response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _attempts.Enqueue(new WebhookAttempt(e.WebhookId, startedAt, null));
            return false;
        }
        _attempts.Enqueue(new WebhookAttempt(e.WebhookId, startedAt, (int)status));
        if ((int)status is < 200 or > 299) return false;
        _acknowledged.TryAdd(e.WebhookId, (e.OrderId, time.GetUtcNow()));
        return true;
    }

    public void Dispose() => _http.Dispose();
}
