using System.Net;
using System.Text.Json;
using Reminders.App.Tests.Support;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Webhooks;

/// <summary>
/// A private Azurite behind a proxy that can cut the network to it, so storage can "go down" and come back with
/// its data. Each test class gets its own.
/// </summary>
public sealed class CuttableStorage : IDisposable
{
    private readonly AzuriteProcess _azurite = TestStorage.StartPrivateAzurite();
    private readonly CuttableTcpProxy _blob;
    private readonly CuttableTcpProxy _queue;
    private readonly CuttableTcpProxy _table;

    public CuttableStorage()
    {
        _blob = new CuttableTcpProxy(_azurite.BlobPort);
        _queue = new CuttableTcpProxy(_azurite.QueuePort);
        _table = new CuttableTcpProxy(_azurite.TablePort);
    }

    /// <summary>Through the proxies: what the app under test uses.</summary>
    public string ConnectionString => TestStorage.ConnectionStringFor(_blob.Port, _queue.Port, _table.Port);

    /// <summary>Straight to Azurite: what a test uses to look behind the app's back.</summary>
    public string DirectConnectionString => _azurite.ConnectionString;

    public void Cut()
    {
        _blob.Cut();
        _queue.Cut();
        _table.Cut();
    }

    public void Stall()
    {
        _blob.Stall();
        _queue.Stall();
        _table.Stall();
    }

    public void Restore()
    {
        _blob.Restore();
        _queue.Restore();
        _table.Restore();
    }

    public void Dispose()
    {
        _blob.Dispose();
        _queue.Dispose();
        _table.Dispose();
        _azurite.Dispose();
    }
}

public sealed class StorageOutageTests : IClassFixture<CuttableStorage>, IDisposable
{
    private readonly CuttableStorage _storage;
    private readonly ReminderAppFactory _app;

    public StorageOutageTests(CuttableStorage storage)
    {
        _storage = storage;
        _storage.Restore();
        _app = new ReminderAppFactory(
            new Dictionary<string, string?> { ["Webhooks__StoreTimeout"] = "00:00:03" },
            WebhookTestKit.WithoutBackgroundTriggers,
            storage.ConnectionString);
    }

    [Fact]
    public async Task With_storage_cut_a_webhook_gets_503_and_once_back_the_same_webhook_is_stored_exactly_once()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();
        var created = SignedWebhook.OrderCreated(orderId);
        var createdId = "msg_" + Guid.NewGuid().ToString("N");
        await WebhookTestKit.SendWithRetriesOkAsync(client, () => SignedWebhook.Order(created, createdId));
        var paymentId = "msg_" + Guid.NewGuid().ToString("N");
        var paid = SignedWebhook.Event("payment.succeeded", orderId);

        _storage.Cut();
        using (var refused = await client.SendAsync(SignedWebhook.Payment(paid, paymentId)))
        {
            var problem = await WebhookTestKit.AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.True(refused.Headers.RetryAfter?.Delta is { } delta && delta > TimeSpan.Zero, $"Retry-After: {refused.Headers.RetryAfter}");
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        }
        using (var refusedAgain = await client.SendAsync(SignedWebhook.Payment(paid, paymentId)))
        {
            await WebhookTestKit.AssertProblemAsync(refusedAgain, HttpStatusCode.ServiceUnavailable);
        }
        using (var admin = _app.CreateAdminClient())
        using (var read = await admin.GetAsync($"/api/orders/{orderId}"))
        {
            await WebhookTestKit.AssertProblemAsync(read, HttpStatusCode.ServiceUnavailable);
        }

        _storage.Restore();
        using (var accepted = await client.SendAsync(SignedWebhook.Payment(paid, paymentId)))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            Assert.Contains("applied", await accepted.Content.ReadAsStringAsync());
        }
        using (var replay = await client.SendAsync(SignedWebhook.Payment(paid, paymentId)))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Contains("duplicate", await replay.Content.ReadAsStringAsync());
        }

        var order = await WebhookTestKit.GetOrderAsync(_app, orderId);
        Assert.Equal("paid", order.GetProperty("state").GetString());
        var applied = WebhookTestKit.Timeline(order, "event_applied");
        Assert.Equal(["order.created", "payment.succeeded"], applied.Select(a => a.GetProperty("eventType").GetString()));
        Assert.Equal(3, WebhookTestKit.Timeline(order, "reminder_voided").Count(v => v.GetProperty("kind").GetString() == "payment_due"));
        Assert.Single(WebhookTestKit.Reminders(order, "settlement_missing"));
    }

    [Fact]
    public async Task A_webhook_that_is_the_first_contact_with_storage_gets_503_then_succeeds()
    {
        // Nothing has touched storage yet in this app: table creation itself fails first.
        var orderId = ReminderAppFactory.NewOrderId();
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var body = SignedWebhook.OrderCreated(orderId);
        using var client = _app.CreateClient();

        _storage.Cut();
        using (var refused = await client.SendAsync(SignedWebhook.Order(body, id)))
        {
            await WebhookTestKit.AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(refused.Headers.RetryAfter);
        }
        _storage.Restore();
        using (var accepted = await client.SendAsync(SignedWebhook.Order(body, id)))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        var order = await WebhookTestKit.GetOrderAsync(_app, orderId);
        Assert.Single(WebhookTestKit.Timeline(order, "event_applied"));
        Assert.Equal(3, WebhookTestKit.Reminders(order, "payment_due").Count);
    }

    [Fact]
    public async Task Health_reports_the_unreachable_services_and_then_healthy()
    {
        using var client = _app.CreateClient();

        using (var healthy = await client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        }

        _storage.Cut();
        using (var down = await client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            var body = JsonDocument.Parse(await down.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("unhealthy", body.GetProperty("status").GetString());
            foreach (var service in new[] { "table", "queue", "blob" })
            {
                var check = body.GetProperty("services").GetProperty(service);
                Assert.False(check.GetProperty("reachable").GetBoolean());
                Assert.Equal("unreachable", check.GetProperty("error").GetString());
            }
        }

        _storage.Restore();
        using var up = await client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        var upBody = JsonDocument.Parse(await up.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("healthy", upBody.GetProperty("status").GetString());
        Assert.True(upBody.GetProperty("services").GetProperty("table").GetProperty("reachable").GetBoolean());
    }

    [Fact]
    public async Task With_storage_hanging_a_webhook_gets_503_within_the_store_timeout_and_then_succeeds_once()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        var id = "msg_" + Guid.NewGuid().ToString("N");
        using var client = _app.CreateClient();
        // Senders give up after 15 to 30 seconds; without a store deadline the storage client's own network
        // timeouts and retries would keep this request for minutes.
        client.Timeout = TimeSpan.FromSeconds(25);
        var created = SignedWebhook.OrderCreated(orderId);
        var createdId = "msg_" + Guid.NewGuid().ToString("N");
        await WebhookTestKit.SendWithRetriesOkAsync(client, () => SignedWebhook.Order(created, createdId));
        var shipped = SignedWebhook.Event("order.shipped", orderId);

        _storage.Stall();
        using (var refused = await client.SendAsync(SignedWebhook.Order(shipped, id)))
        {
            await WebhookTestKit.AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(refused.Headers.RetryAfter);
        }
        _storage.Restore();
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(shipped, id));
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(shipped, id));

        var order = await WebhookTestKit.GetOrderAsync(_app, orderId);
        Assert.Equal("shipped", order.GetProperty("state").GetString());
        Assert.Single(WebhookTestKit.Timeline(order, "event_applied"), e => e.GetProperty("eventType").GetString() == "order.shipped");
    }

    public void Dispose()
    {
        _storage.Restore();
        _app.Dispose();
    }
}
