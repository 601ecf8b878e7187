using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Reminders.App.Buyers;
using Reminders.App.Delivery;
using Reminders.App.Dispatch;
using Reminders.App.Functions;
using Reminders.App.Hosting;
using Reminders.App.Orders;
using Reminders.App.Tests.Support;
using Reminders.Core.Notifications;
using Microsoft.Extensions.DependencyInjection;

using Reminders.TestSupport;

namespace Reminders.App.Tests.Delivery;

/// <summary>The queue functions, invoked as the host would, each sending through its real provider protocol.</summary>
[Collection(DeliveryCollection.Name)]
public sealed class SendTests(DeliveryEnvironment environment)
{
    [Fact]
    public async Task Sms_goes_through_twilio_and_is_recorded_sent_once_however_often_the_message_comes()
    {
        await using var twilio = await ProviderStubs.TwilioAsync();
        using var app = new DeliveryApp(environment, ProviderStubs.TwilioSettings(twilio));
        var orderId = ReminderAppFactory.NewOrderId();
        var phone = DeliveryApp.NewPhone();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), phone, email: null);
        await app.SweepAsync(Sweep.PaymentDue);
        var message = await app.MessageForAsync(orderId, "payment_due.1");

        await app.RunAsync<SendSms>(message);

        var send = Assert.Single(ProviderStubs.SmsSends(twilio));
        Assert.Equal(phone, send["To"]);
        Assert.Equal("+15005550006", send["From"]);
        Assert.Contains(orderId[^4..], send["Body"]); // SMS name the order by its last four characters
        Assert.Contains("退订", send["Body"]); // the zh-CN opt-out wording
        var row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.Equal(ReminderStatus.Sent, row.Status);
        Assert.Equal($"SM{1:D32}", row.ProviderMessageId);
        var sent = Assert.Single(await app.TimelineAsync(orderId), t => t.Type == TimelineTypes.Sent);
        Assert.Equal(("sms", "payment_due"), (sent.Channel, sent.Kind));

        // The same message again (a redelivery), and a stale copy of an earlier attempt: nothing more is sent.
        await app.RunAsync<SendSms>(message);
        await app.RunAsync<SendSms>(DeliveryApp.Message(new ReminderMessage(orderId, "payment_due.1", row.Attempt - 1)));
        Assert.Single(ProviderStubs.SmsSends(twilio));
        Assert.Single(await app.TimelineAsync(orderId), t => t.Type == TimelineTypes.Sent);
    }

    [Fact]
    public async Task A_payment_stored_after_the_sender_read_the_order_stops_its_claim_and_nothing_is_sent()
    {
        await using var twilio = await ProviderStubs.TwilioAsync();
        using var app = new DeliveryApp(environment, ProviderStubs.TwilioSettings(twilio));
        var orderId = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), DeliveryApp.NewPhone(), email: null);
        await app.SweepAsync(Sweep.PaymentDue);
        var message = await app.MessageForAsync(orderId, "payment_due.1");
        var (_, orderAsRead, row) = await app.Orders.ReadForSendAsync(orderId, "payment_due.1", CancellationToken.None);

        // The payment lands between the sender's read (order unpaid) and its claim.
        await app.PaymentEventAsync("payment.succeeded", orderId);
        var recorder = app.Services.GetRequiredService<DeliveryRecorder>();
        var claimed = await recorder.ClaimAsync(row!, ReminderMessage.TryParse(message.Body.ToString())!, Channel.Sms, orderAsRead, CancellationToken.None);

        Assert.Null(claimed);
        await app.RunAsync<SendSms>(message); // the sender reads again, finds the order paid and sends nothing
        Assert.Empty(ProviderStubs.SmsSends(twilio));
        Assert.Equal(ReminderStatus.Suppressed, (await app.ReminderAsync(orderId, "payment_due.1")).Status);
    }

    [Fact]
    public async Task Push_goes_through_fcm_with_a_service_account_token()
    {
        using var key = RSA.Create(2048);
        await using var fcm = await StubServer.StartAsync(async (request, context) =>
        {
            if (request.Path == "/token") await StubServer.RespondAsync(context, 200, "{\"access_token\":\"ya29.test\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
            else await StubServer.RespondAsync(context, 200, "{\"name\":\"projects/reminders-test/messages/0:42\"}");
        });
        var account = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = "reminders-test",
            ["client_email"] = "push@reminders-test.iam.gserviceaccount.com",
            ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
            ["token_uri"] = new Uri(fcm.BaseUrl, "token").AbsoluteUri,
        });
        using var app = new DeliveryApp(environment, new Dictionary<string, string?>
        {
            ["Reminders__Channels"] = "push,sms,email",
            ["Channels__Push__Provider"] = "fcm",
            ["Channels__Push__Fcm__ServiceAccountJson"] = account,
            ["Channels__Push__Fcm__BaseUrl"] = fcm.BaseUrl.AbsoluteUri,
        });
        var orderId = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), phone: null, email: null, pushToken: "device-token-" + Guid.NewGuid().ToString("N"));
        await app.SweepAsync(Sweep.PaymentDue);

        await app.RunAsync<SendPush>(await app.MessageForAsync(orderId, "payment_due.1"));

        var send = Assert.Single(fcm.Requests, r => r.Path == "/v1/projects/reminders-test/messages:send");
        Assert.Equal("Bearer ya29.test", send.Header("Authorization"));
        using var body = JsonDocument.Parse(send.BodyText);
        Assert.Equal(orderId, body.RootElement.GetProperty("message").GetProperty("data").GetProperty("orderId").GetString());
        var row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.Equal((ReminderStatus.Sent, "projects/reminders-test/messages/0:42"), (row.Status, row.ProviderMessageId));
    }

    [Fact]
    public async Task Without_a_provider_messages_go_to_the_outbox_listed_by_the_admin_api_with_contacts_masked()
    {
        using var app = new DeliveryApp(environment);
        var orderId = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), "+8613912345678", email: null);
        await app.SweepAsync(Sweep.PaymentDue);

        await app.RunAsync<SendSms>(await app.MessageForAsync(orderId, "payment_due.1"));

        var outbox = await app.Admin.GetFromJsonAsync<JsonElement>($"/api/admin/outbox?orderId={orderId}");
        var entry = Assert.Single(outbox.GetProperty("entries").EnumerateArray());
        Assert.Equal("sms", entry.GetProperty("channel").GetString());
        Assert.Equal(orderId, entry.GetProperty("orderId").GetString());
        Assert.Equal("payment_due", entry.GetProperty("kind").GetString());
        Assert.Equal("+86139****5678", entry.GetProperty("to").GetString());
        Assert.Contains(orderId[^4..], entry.GetProperty("text").GetString());
        Assert.True(entry.GetProperty("sentAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.DoesNotContain("13912345678", outbox.GetRawText());
        Assert.Equal(ReminderStatus.Sent, (await app.ReminderAsync(orderId, "payment_due.1")).Status);

        using var missing = await app.Admin.GetAsync("/api/admin/outbox");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("orderId", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        using var invalid = await app.Admin.GetAsync("/api/admin/outbox?orderId=" + Uri.EscapeDataString("bad id/"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        using var anonymous = await app.Client.GetAsync($"/api/admin/outbox?orderId={orderId}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_payment_reminder_for_an_order_paid_after_it_was_queued_is_suppressed_not_sent()
    {
        await using var twilio = await ProviderStubs.TwilioAsync();
        using var app = new DeliveryApp(environment, ProviderStubs.TwilioSettings(twilio));
        var orderId = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), DeliveryApp.NewPhone(), email: null);
        await app.SweepAsync(Sweep.PaymentDue);
        var message = await app.MessageForAsync(orderId, "payment_due.1");

        await app.PaymentEventAsync("payment.succeeded", orderId);
        await app.RunAsync<SendSms>(message);

        Assert.Empty(ProviderStubs.SmsSends(twilio));
        var row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.Equal((ReminderStatus.Suppressed, "order_state"), (row.Status, row.Reason));
        var suppressed = Assert.Single(await app.TimelineAsync(orderId), t => t.Type == TimelineTypes.Suppressed);
        Assert.Equal(("order_state", "payment_due"), (suppressed.Reason, suppressed.Kind));
    }

    [Fact]
    public async Task A_fresh_sending_claim_of_another_copy_is_waited_for_and_a_stale_one_is_taken_over()
    {
        await using var twilio = await ProviderStubs.TwilioAsync();
        using var app = new DeliveryApp(environment, ProviderStubs.TwilioSettings(twilio));
        var orderId = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), DeliveryApp.NewPhone(), email: null);
        await app.SweepAsync(Sweep.PaymentDue);
        var message = await app.MessageForAsync(orderId, "payment_due.1");
        var row = await app.ReminderAsync(orderId, "payment_due.1");
        // Another copy claimed the row a moment ago and is talking to the provider.
        Assert.NotNull(await app.Orders.UpdateReminderAsync(row with { Status = ReminderStatus.Sending, ClaimedAt = DateTimeOffset.UtcNow }, [], CancellationToken.None));

        Assert.Equal(DeliveryOutcome.RetryLater, await app.DeliverSmsAsync(message));
        Assert.Empty(ProviderStubs.SmsSends(twilio));

        // That copy crashed after its claim: once the claim is older than the queue's visibility timeout, a copy sends.
        row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.NotNull(await app.Orders.UpdateReminderAsync(row with { ClaimedAt = DateTimeOffset.UtcNow - ClaimTimeouts.DefaultSending - TimeSpan.FromMinutes(1) }, [], CancellationToken.None));
        await app.RunAsync<SendSms>(message);
        Assert.Single(ProviderStubs.SmsSends(twilio));
        Assert.Equal(ReminderStatus.Sent, (await app.ReminderAsync(orderId, "payment_due.1")).Status);
    }

    [Fact]
    public async Task Delivery__ClaimTimeout_sets_how_old_a_sending_claim_must_be_to_be_taken_over()
    {
        await using var twilio = await ProviderStubs.TwilioAsync();
        var settings = new Dictionary<string, string?>(ProviderStubs.TwilioSettings(twilio)) { ["Delivery__ClaimTimeout"] = "00:00:30" };
        using var app = new DeliveryApp(environment, settings);
        var orderId = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), DeliveryApp.NewPhone(), email: null);
        await app.SweepAsync(Sweep.PaymentDue);
        var message = await app.MessageForAsync(orderId, "payment_due.1");
        var row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.NotNull(await app.Orders.UpdateReminderAsync(row with { Status = ReminderStatus.Sending, ClaimedAt = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(20) }, [], CancellationToken.None));

        Assert.Equal(DeliveryOutcome.RetryLater, await app.DeliverSmsAsync(message));
        Assert.Empty(ProviderStubs.SmsSends(twilio));

        row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.NotNull(await app.Orders.UpdateReminderAsync(row with { ClaimedAt = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(31) }, [], CancellationToken.None));
        await app.RunAsync<SendSms>(message);
        Assert.Single(ProviderStubs.SmsSends(twilio));
    }

    [Fact]
    public async Task A_transient_failure_puts_the_row_back_and_asks_the_host_to_retry_after_the_providers_retry_after()
    {
        await using var twilio = await ProviderStubs.TwilioAsync(n => n == 1
            ? (503, "{\"code\":20503,\"message\":\"Service unavailable\",\"status\":503}", [("Retry-After", "7")])
            : (201, "{\"sid\":\"SMretried\"}", []));
        using var app = new DeliveryApp(environment, ProviderStubs.TwilioSettings(twilio));
        var orderId = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), DeliveryApp.NewPhone(), email: null);
        await app.SweepAsync(Sweep.PaymentDue);

        Assert.Equal(DeliveryOutcome.RetryLater, await app.DeliverSmsAsync(await app.MessageForAsync(orderId, "payment_due.1")));

        var row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.Equal(ReminderStatus.Enqueued, row.Status);
        var failed = Assert.Single(await app.TimelineAsync(orderId), t => t.Type == TimelineTypes.Failed);
        Assert.StartsWith("transient: ", failed.Reason);
        Assert.EndsWith("will retry", failed.Reason);
        Assert.EndsWith("next try in 00:00:07", failed.Detail);

        // The delayed copy's try sends it.
        await app.RunAsync<SendSms>(DeliveryApp.Message(new ReminderMessage(orderId, "payment_due.1", row.Attempt, Retry: 1)));
        Assert.Equal(2, ProviderStubs.SmsSends(twilio).Count);
        Assert.Equal((ReminderStatus.Sent, "SMretried"), ((await app.ReminderAsync(orderId, "payment_due.1")).Status, (await app.ReminderAsync(orderId, "payment_due.1")).ProviderMessageId));
    }

    [Fact]
    public async Task Without_retry_after_the_back_off_grows_with_the_dequeue_count()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), DeliveryRecorder.Backoff(1));
        Assert.Equal(TimeSpan.FromSeconds(40), DeliveryRecorder.Backoff(3));
        Assert.Equal(DeliveryRecorder.LongestRetryDelay, DeliveryRecorder.Backoff(30));

        await using var twilio = await ProviderStubs.TwilioAsync(_ => (500, "{\"code\":20500,\"message\":\"Internal\"}", []));
        using var app = new DeliveryApp(environment, ProviderStubs.TwilioSettings(twilio));
        var orderId = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), DeliveryApp.NewPhone(), email: null);
        await app.SweepAsync(Sweep.PaymentDue);
        var row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.Equal(DeliveryOutcome.RetryLater, await app.DeliverSmsAsync(DeliveryApp.Message(new ReminderMessage(orderId, "payment_due.1", row.Attempt, Retry: 2))));
        var failed = Assert.Single(await app.TimelineAsync(orderId), t => t.Type == TimelineTypes.Failed);
        Assert.EndsWith("next try in 00:00:40", failed.Detail);
    }

    [Fact]
    public async Task An_invalid_number_is_marked_bad_and_the_reminder_falls_back_to_the_email_queue()
    {
        await using var twilio = await ProviderStubs.TwilioAsync(_ =>
            (400, "{\"code\":21211,\"message\":\"The 'To' number is not a valid phone number.\",\"status\":400}", []));
        using var app = new DeliveryApp(environment, ProviderStubs.TwilioSettings(twilio));
        var orderId = ReminderAppFactory.NewOrderId();
        var buyerId = DeliveryApp.NewBuyerId();
        var phone = DeliveryApp.NewPhone();
        await app.CreateOrderAsync(orderId, buyerId, phone, DeliveryApp.NewEmail());
        await app.SweepAsync(Sweep.PaymentDue);
        var first = await app.ReminderAsync(orderId, "payment_due.1");

        await app.RunAsync<SendSms>(await app.MessageForAsync(orderId, "payment_due.1"));

        var profile = await app.Services.GetRequiredService<BuyerStore>().GetAsync("m-1|" + buyerId, CancellationToken.None);
        Assert.True(profile.IsBad(Channel.Sms, phone));
        var row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.Equal((ReminderStatus.Enqueued, Channel.Email, first.Attempt + 1, "sms"), (row.Status, row.Channel, row.Attempt, row.FailedChannels));
        var queued = Assert.Single(await app.TakeMessagesAsync(QueueNames.Email, orderId));
        Assert.Equal(new ReminderMessage(orderId, "payment_due.1", first.Attempt + 1), queued);
        var timeline = await app.TimelineAsync(orderId);
        var failed = Assert.Single(timeline, t => t.Type == TimelineTypes.Failed);
        Assert.Equal("sms", failed.Channel);
        Assert.StartsWith("permanent: ", failed.Reason);
        Assert.Contains(timeline, t => t.Type == TimelineTypes.Enqueued && t.Channel == "email" && t.Reason == "fallback");

        var buyer = await app.Admin.GetFromJsonAsync<JsonElement>($"/api/admin/buyers/{buyerId}?merchantId=m-1");
        var bad = Assert.Single(buyer.GetProperty("badContacts").EnumerateArray());
        Assert.Equal("sms", bad.GetProperty("channel").GetString());
        Assert.Equal(Reminders.Core.ContactMasking.MaskPhone(phone), bad.GetProperty("contact").GetString());
        Assert.DoesNotContain(phone[3..], buyer.GetRawText());

        // The email copy (outbox here) sends; the old SMS copy, now stale, does nothing.
        await app.RunAsync<SendEmail>(DeliveryApp.Message(queued));
        await app.RunAsync<SendSms>(DeliveryApp.Message(new ReminderMessage(orderId, "payment_due.1", first.Attempt)));
        Assert.Single(twilio.Requests);
        row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.Equal((ReminderStatus.Sent, Channel.Email), (row.Status, row.Channel));
    }

    [Fact]
    public async Task With_no_channel_left_after_a_permanent_failure_the_reminder_fails()
    {
        await using var twilio = await ProviderStubs.TwilioAsync(_ => (400, "{\"code\":21606,\"message\":\"The From number is not capable.\"}", []));
        using var app = new DeliveryApp(environment, ProviderStubs.TwilioSettings(twilio));
        var orderId = ReminderAppFactory.NewOrderId();
        var buyerId = DeliveryApp.NewBuyerId();
        var phone = DeliveryApp.NewPhone();
        await app.CreateOrderAsync(orderId, buyerId, phone, email: null);
        await app.SweepAsync(Sweep.PaymentDue);

        await app.RunAsync<SendSms>(await app.MessageForAsync(orderId, "payment_due.1"));

        var row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.Equal((ReminderStatus.Failed, "sms"), (row.Status, row.FailedChannels));
        var failed = Assert.Single(await app.TimelineAsync(orderId), t => t.Type == TimelineTypes.Failed);
        Assert.Contains("no channel left", failed.Detail);
        // Not the contact's fault: the number is not marked bad.
        Assert.False((await app.Services.GetRequiredService<BuyerStore>().GetAsync("m-1|" + buyerId, CancellationToken.None)).IsBad(Channel.Sms, phone));
        Assert.Empty(await app.TakeMessagesAsync(QueueNames.Email, orderId));
    }

    [Fact]
    public async Task A_message_that_is_not_a_reminder_message_fails_so_the_host_keeps_it_in_the_poison_queue()
    {
        using var app = new DeliveryApp(environment);
        await Assert.ThrowsAsync<InvalidDataException>(() => app.RunAsync<SendSms>(DeliveryApp.Message("not json")));
    }
}
