using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Reminders.App.Buyers;
using Reminders.App.Dispatch;
using Reminders.App.Observability;
using Reminders.App.Orders;
using Reminders.App.Tests.Support;
using Reminders.Core.Notifications;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Observability;

/// <summary>The Reminders meter, read with a MeterListener while real webhooks and dispatches run.</summary>
public sealed class ReminderMetricsTests : IAsyncLifetime
{
    private sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, string> Tags);

    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly MeterListener _listener = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ReminderAppFactory _app;

    private readonly AzuriteProcess _storage = TestStorage.StartPrivateAzurite();

    /// <summary>A private Azurite per test (a sweep here must see only this test's index entries) and a clock the test moves.</summary>
    public ReminderMetricsTests()
    {
        _app = new ReminderAppFactory(new Dictionary<string, string?>
        {
            ["Reminders__QuietHours__Start"] = "22:00",
            ["Reminders__QuietHours__End"] = "08:00",
            ["Reminders__PaymentDue__Steps"] = "00:01:00,06:00:00",
            ["Sweeps__PaymentDue__Schedule"] = "0 0 0 1 1 *",
            ["Sweeps__ConfirmReceipt__Schedule"] = "0 0 0 1 1 *",
            ["Sweeps__PayLater__Schedule"] = "0 0 0 1 1 *",
            ["Sweeps__Settlement__Schedule"] = "0 0 0 1 1 *",
            ["Sweeps__Refund__Schedule"] = "0 0 0 1 1 *",
        }, null, _storage.ConnectionString) { Time = _time };
    }

    public Task InitializeAsync()
    {
        var meter = _app.Services.GetRequiredService<ReminderMetrics>().Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this app's meter: other tests' apps run side by side with their own.
            if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _app.DisposeAsync();
        _storage.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string>();
        foreach (var tag in tags) map[tag.Key] = tag.Value?.ToString() ?? "";
        _measurements.Enqueue(new Measurement(instrument.Name, value, map));
    }

    private double Sum(string instrument, params (string Key, string Value)[] tags) =>
        _measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.GetValueOrDefault(t.Key) == t.Value)).Sum(m => m.Value);

    /// <summary>An IANA zone whose local time is now <paramref name="localHour"/>:xx (Etc/GMT-N is UTC+N).</summary>
    private string ZoneWhereItIs(int localHour)
    {
        var offset = (localHour - _time.GetUtcNow().Hour + 24) % 24;
        if (offset > 14) offset -= 24;
        return offset == 0 ? "Etc/GMT" : offset > 0 ? $"Etc/GMT-{offset}" : $"Etc/GMT+{-offset}";
    }

    private async Task<HttpResponseMessage> PostAsync(HttpRequestMessage request) => await _app.CreateClient().SendAsync(request);

    private HttpRequestMessage Order(string body, string? webhookId = null) =>
        SignedWebhook.Create("orders", body, ReminderAppFactory.OrdersSecret, webhookId, _time.GetUtcNow());

    private HttpRequestMessage Payment(string body) =>
        SignedWebhook.Create("payments", body, ReminderAppFactory.PaymentsSecret, null, _time.GetUtcNow());

    [Fact]
    public async Task Webhooks_are_counted_as_accepted_or_refused_with_their_reason()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        var body = SignedWebhook.OrderCreated(orderId, at: _time.GetUtcNow(), buyerId: "b-" + orderId, timeZone: ZoneWhereItIs(12));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Order(body, webhookId: "msg_" + orderId))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Order(body, webhookId: "msg_" + orderId))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Payment(SignedWebhook.Event("payment.disputed", orderId, _time.GetUtcNow())))).StatusCode);

        var forged = Order(body);
        forged.Headers.Remove("webhook-signature");
        forged.Headers.Add("webhook-signature", "v1," + Convert.ToBase64String(new byte[32]));
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(forged)).StatusCode);
        var large = Order(body);
        large.Content = new StringContent(body + new string(' ', 70_000), Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostAsync(large)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(Order("{\"type\":\"order.created\",\"data\":{}}"))).StatusCode);

        Assert.Equal(1, Sum("reminders.webhooks.accepted", ("source", "orders"), ("outcome", "applied")));
        Assert.Equal(1, Sum("reminders.webhooks.accepted", ("source", "orders"), ("outcome", "duplicate")));
        Assert.Equal(1, Sum("reminders.webhooks.accepted", ("source", "payments"), ("outcome", "ignored")));
        Assert.Equal(1, Sum("reminders.webhooks.refused", ("source", "orders"), ("reason", "signature")));
        Assert.Equal(1, Sum("reminders.webhooks.refused", ("source", "orders"), ("reason", "too_large")));
        Assert.Equal(1, Sum("reminders.webhooks.refused", ("source", "orders"), ("reason", "invalid")));
    }

    [Fact]
    public async Task Dispatch_decisions_are_counted_by_decision_kind_and_reason_with_the_index_lag()
    {
        // Step 1 comes due a minute later; the sweep then sends it by day, holds it at night and drops it for a buyer
        // who opted out of the only channel they gave.
        var byDay = ReminderAppFactory.NewOrderId();
        var atNight = ReminderAppFactory.NewOrderId();
        var optedOut = ReminderAppFactory.NewOrderId();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Order(SignedWebhook.OrderCreated(byDay, at: _time.GetUtcNow(), buyerId: "b-" + byDay, timeZone: ZoneWhereItIs(12))))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Order(SignedWebhook.OrderCreated(atNight, at: _time.GetUtcNow(), buyerId: "b-" + atNight, timeZone: ZoneWhereItIs(2))))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Order(SignedWebhook.OrderCreated(optedOut, at: _time.GetUtcNow(), buyerId: "b-" + optedOut, email: null, timeZone: ZoneWhereItIs(12))))).StatusCode);
        await _app.Services.GetRequiredService<BuyerStore>().SetOptOutAsync("m-1|b-" + optedOut, Channel.Sms, true, CancellationToken.None);
        Assert.Equal(0, Sum("reminders.decisions"));

        _time.Advance(TimeSpan.FromMinutes(2));
        var swept = await _app.Services.GetRequiredService<ReminderDispatcher>().SweepAsync(Sweep.PaymentDue, CancellationToken.None);
        Assert.Equal(1, swept[DispatchOutcome.Enqueued]);

        Assert.Equal(1, Sum("reminders.decisions", ("decision", "enqueued"), ("kind", "payment_due")));
        Assert.Equal(1, Sum("reminders.decisions", ("decision", "deferred"), ("kind", "payment_due"), ("reason", "quiet_hours")));
        var suppressed = Assert.Single(_measurements, m => m.Instrument == "reminders.decisions" && m.Tags["decision"] == "suppressed");
        Assert.Equal("payment_due", suppressed.Tags["kind"]);
        Assert.NotEqual("", suppressed.Tags["reason"]);
        var lag = Assert.Single(_measurements, m => m.Instrument == "reminders.queue.lag" && m.Tags["queue"] == ReminderMetrics.IndexQueue);
        Assert.Equal(60, lag.Value); // due a minute before the sweep ran
    }
}
