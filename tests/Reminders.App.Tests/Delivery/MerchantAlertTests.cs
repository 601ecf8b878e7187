using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Reminders.App.Delivery;
using Reminders.App.Dispatch;
using Reminders.App.Functions;
using Reminders.App.Hosting;
using Reminders.App.Orders;
using Reminders.App.Tests.Support;
using Reminders.Core.Webhooks;

using Reminders.TestSupport;

namespace Reminders.App.Tests.Delivery;

/// <summary>Merchant alerts: email to the alert address and a Standard Webhooks POST, or the outbox when neither is set.</summary>
[Collection(DeliveryCollection.Name)]
public sealed class MerchantAlertTests(DeliveryEnvironment environment)
{
    private static readonly string MerchantSecret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("merchant-webhook-secret-0123456789"));

    [Fact]
    public async Task A_settlement_alert_goes_by_email_and_signed_webhook_and_a_retry_does_not_repeat_the_email()
    {
        var webhookCalls = 0;
        await using var merchant = await StubServer.StartAsync(async (_, context) =>
        {
            var n = Interlocked.Increment(ref webhookCalls);
            await StubServer.RespondAsync(context, n == 1 ? 503 : 200, n == 1 ? "{\"error\":\"busy\"}" : "{}", n == 1 ? [("Retry-After", "3")] : []);
        });
        var alertEmail = "alerts-" + Guid.NewGuid().ToString("N")[..8] + "@merchant.example.com";
        using var app = new DeliveryApp(environment, new Dictionary<string, string?>
        {
            ["Reminders__Settlement__Window"] = "00:00:01",
            ["Channels__Email__Provider"] = "smtp",
            ["Channels__Email__From"] = "reminders@shop.example.com",
            ["Channels__Email__Smtp__Host"] = "127.0.0.1",
            ["Channels__Email__Smtp__Port"] = environment.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Merchants__m-1__Name"] = "Acme Store",
            ["Merchants__m-1__Locale"] = "en",
            ["Merchants__m-1__AlertEmail"] = alertEmail,
            ["Merchants__m-1__WebhookUrl"] = new Uri(merchant.BaseUrl, "hooks/reminders").AbsoluteUri,
            ["Merchants__m-1__WebhookSecret"] = MerchantSecret,
            ["MerchantStore__AllowPrivateWebhookUrls"] = "true", // the merchant's stub listens on loopback
        });
        var orderId = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), "+8613800138000", email: null);
        await app.PaymentEventAsync("payment.succeeded", orderId, DateTimeOffset.UtcNow.AddMinutes(-1));
        await app.SweepAsync(Sweep.Settlement);
        var message = await app.MessageForAsync(orderId, "settlement_missing");

        await app.RunAsync<SendMerchantAlert>(message);
        Assert.Contains(await app.TimelineAsync(orderId), t => t.Type == TimelineTypes.Failed && t.Detail!.EndsWith("next try in 00:00:03", StringComparison.Ordinal));
        var email = await environment.WaitForEmailToAsync(alertEmail);
        Assert.Contains(orderId, email.GetProperty("subject").GetString());
        Assert.Contains("+86138****8000", email.GetProperty("text").GetString());
        Assert.DoesNotContain("13800138000", email.GetProperty("text").GetString());
        Assert.Equal(ReminderStatus.Enqueued, (await app.ReminderAsync(orderId, "settlement_missing")).Status);

        await app.RunAsync<SendMerchantAlert>(await app.MessageForAsync(orderId, "settlement_missing", dequeueCount: 2));

        Assert.Equal(1, await environment.CountEmailsToAsync(alertEmail));
        Assert.Equal(2, merchant.Requests.Count);
        var post = merchant.Requests[1];
        Assert.Equal("/hooks/reminders", post.Path);
        var row = await app.ReminderAsync(orderId, "settlement_missing");
        var webhookId = MerchantAlertDelivery.WebhookIdFor(orderId, "settlement_missing", row.Attempt);
        Assert.Equal(webhookId, post.Header("webhook-id"));
        Assert.Equal(webhookId, merchant.Requests[0].Header("webhook-id"));
        Assert.Equal(WebhookVerification.Valid, StandardWebhook.Verify(
            StandardWebhook.ParseSecrets(MerchantSecret, "test"), post.Header("webhook-id"), post.Header("webhook-timestamp"),
            post.Header("webhook-signature"), post.Body, DateTimeOffset.UtcNow));
        using var body = JsonDocument.Parse(post.BodyText);
        Assert.Equal("merchant.alert", body.RootElement.GetProperty("type").GetString());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal(("settlement_missing", orderId, "m-1"), (data.GetProperty("kind").GetString(), data.GetProperty("orderId").GetString(), data.GetProperty("merchantId").GetString()));
        Assert.DoesNotContain("13800138000", post.BodyText);
        Assert.Contains("+86138****8000", data.GetProperty("buyer").GetString());

        Assert.Equal(ReminderStatus.Sent, row.Status);
        Assert.StartsWith("email=<", row.ProviderMessageId);
        Assert.Contains(";webhook=" + webhookId, row.ProviderMessageId);
        var sent = Assert.Single(await app.TimelineAsync(orderId), t => t.Type == TimelineTypes.Sent);
        Assert.Equal(("merchant", "settlement_missing"), (sent.Channel, sent.Kind));
    }

    [Fact]
    public async Task An_alert_for_a_merchant_without_destinations_goes_to_the_outbox_under_channel_merchant()
    {
        using var app = new DeliveryApp(environment, new Dictionary<string, string?> { ["Reminders__Settlement__Window"] = "00:00:01" });
        var orderId = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), "+8613800138000", email: null);
        await app.PaymentEventAsync("payment.succeeded", orderId, DateTimeOffset.UtcNow.AddMinutes(-1));
        await app.SweepAsync(Sweep.Settlement);

        await app.RunAsync<SendMerchantAlert>(await app.MessageForAsync(orderId, "settlement_missing"));

        var outbox = await app.Admin.GetFromJsonAsync<JsonElement>($"/api/admin/outbox?orderId={orderId}");
        var entry = Assert.Single(outbox.GetProperty("entries").EnumerateArray());
        Assert.Equal(("merchant", "settlement_missing"), (entry.GetProperty("channel").GetString(), entry.GetProperty("kind").GetString()));
        Assert.DoesNotContain("13800138000", outbox.GetRawText());
        Assert.Equal(ReminderStatus.Sent, (await app.ReminderAsync(orderId, "settlement_missing")).Status);
    }

    [Fact]
    public async Task An_alert_no_longer_due_is_suppressed()
    {
        using var app = new DeliveryApp(environment, new Dictionary<string, string?> { ["Reminders__Settlement__Window"] = "00:00:01" });
        var orderId = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), "+8613800138000", email: null);
        await app.PaymentEventAsync("payment.succeeded", orderId, DateTimeOffset.UtcNow.AddMinutes(-1));
        await app.SweepAsync(Sweep.Settlement);
        var message = await app.MessageForAsync(orderId, "settlement_missing");

        await app.PaymentEventAsync("settlement.completed", orderId);
        await app.RunAsync<SendMerchantAlert>(message);

        var row = await app.ReminderAsync(orderId, "settlement_missing");
        Assert.Equal((ReminderStatus.Suppressed, "order_state"), (row.Status, row.Reason));
        var outbox = await app.Admin.GetFromJsonAsync<JsonElement>($"/api/admin/outbox?orderId={orderId}");
        Assert.Empty(outbox.GetProperty("entries").EnumerateArray());
    }
}
