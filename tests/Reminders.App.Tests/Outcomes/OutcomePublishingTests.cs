using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Reminders.App.Delivery;
using Reminders.App.Orders;
using Reminders.Core.Notifications;

namespace Reminders.App.Tests.Outcomes;

/// <summary>
/// Reminder outcomes published to the Service Bus topic, checked on what the app hands to <see cref="ServiceBusSender"/>
/// (a Moq stand-in: no emulator runs here). Storage is a real Azurite of these tests' own.
/// </summary>
[Collection(OutcomeCollection.Name)]
public sealed class OutcomePublishingTests(OutcomeStorage storage)
{
    [Fact]
    public async Task A_sent_reminder_is_published_with_its_outcome_as_subject_and_its_ids_as_properties()
    {
        using var app = new OutcomeApp(storage);
        var orderId = await app.CreateOrderAsync();

        await app.RecordSentAsync(orderId, "payment_due.1");

        var message = await app.WaitForAsync(orderId, "payment_due.1", "reminder.sent");
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal(orderId, message.CorrelationId);
        Assert.Equal(orderId, message.ApplicationProperties["orderId"]);
        Assert.Equal("m-1", message.ApplicationProperties["merchantId"]);
        Assert.Equal("payment_due", message.ApplicationProperties["kind"]);
        Assert.Equal("sent", message.ApplicationProperties["outcome"]);
        using var body = JsonDocument.Parse(message.Body.ToString());
        var json = body.RootElement;
        Assert.Equal(
            ("reminder.sent", orderId, "m-1", "payment_due.1", "payment_due", "buyer", "sms", 1),
            (json.GetProperty("type").GetString(), json.GetProperty("orderId").GetString(), json.GetProperty("merchantId").GetString(),
             json.GetProperty("reminderId").GetString(), json.GetProperty("kind").GetString(), json.GetProperty("audience").GetString(),
             json.GetProperty("channel").GetString(), json.GetProperty("attempt").GetInt32()));
        Assert.Equal((await app.ReminderAsync(orderId, "payment_due.1")).SentAt, json.GetProperty("sentAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_message_id_is_a_hash_of_order_reminder_outcome_and_attempt()
    {
        using var app = new OutcomeApp(storage);
        var orderId = await app.CreateOrderAsync();

        await app.RecordSentAsync(orderId, "payment_due.1");

        var message = await app.WaitForAsync(orderId, "payment_due.1", "reminder.sent");
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{orderId}|payment_due.1|sent|1")))[..32];
        Assert.Equal(expected, message.MessageId);
    }

    [Fact]
    public async Task The_same_outcome_recorded_again_is_published_with_the_same_message_id()
    {
        using var app = new OutcomeApp(storage);
        var orderId = await app.CreateOrderAsync();
        await app.RecordSentAsync(orderId, "payment_due.1");
        var first = await app.WaitForAsync(orderId, "payment_due.1", "reminder.sent");

        // A second copy that lost its claim records its send on the timeline only (DeliveryRecorder.WriteAsync).
        var row = await app.ReminderAsync(orderId, "payment_due.1");
        await app.Orders.AddTimelineAsync(orderId, [TimelineEntry.ForReminder(DateTimeOffset.UtcNow, TimelineTypes.Sent, row) with { Channel = "sms" }], CancellationToken.None);

        await WaitUntilAsync(() => app.MessagesFor(orderId, "payment_due.1").Count == 2);
        var messages = app.MessagesFor(orderId, "payment_due.1");
        Assert.All(messages, m => Assert.Equal(first.MessageId, m.MessageId));
        Assert.Equal(messages[0].Body.ToString(), messages[1].Body.ToString());
    }

    [Fact]
    public async Task A_suppressed_reminder_is_published_with_its_reason()
    {
        using var app = new OutcomeApp(storage);
        var orderId = await app.CreateOrderAsync();
        var row = await app.ReminderAsync(orderId, "payment_due.1");

        Assert.True(await app.Recorder.SuppressAsync(row, "sms", "opted_out", "the buyer opted out of sms", CancellationToken.None));

        var message = await app.WaitForAsync(orderId, "payment_due.1", "reminder.suppressed");
        using var body = JsonDocument.Parse(message.Body.ToString());
        Assert.Equal("opted_out", body.RootElement.GetProperty("reason").GetString());
        Assert.Equal("suppressed", message.ApplicationProperties["outcome"]);
    }

    [Fact]
    public async Task A_reminder_that_failed_for_good_is_published_as_failed()
    {
        using var app = new OutcomeApp(storage);
        var orderId = await app.CreateOrderAsync();

        await app.RecordFailedAsync(orderId, "payment_due.1", "permanent: invalid number");

        var message = await app.WaitForAsync(orderId, "payment_due.1", "reminder.failed");
        using var body = JsonDocument.Parse(message.Body.ToString());
        Assert.Equal("permanent: invalid number", body.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_reminder_whose_message_went_to_the_poison_queue_is_published_as_poisoned()
    {
        using var app = new OutcomeApp(storage);
        var orderId = await app.CreateOrderAsync();

        await app.RecordFailedAsync(orderId, "payment_due.1", DeliveryPoisonRecorder.Reason);

        var message = await app.WaitForAsync(orderId, "payment_due.1", "reminder.poisoned");
        Assert.Equal("poisoned", message.ApplicationProperties["outcome"]);
    }

    [Fact]
    public async Task A_merchant_alert_is_published_under_merchant_alert_subjects()
    {
        using var app = new OutcomeApp(storage);
        var orderId = await app.CreateOrderAsync();
        await app.PaymentSucceededAsync(orderId);

        await app.RecordSentAsync(orderId, "settlement_missing", channel: null);

        var message = await app.WaitForAsync(orderId, "settlement_missing", "merchant.alert.sent");
        Assert.Equal("m-1", message.ApplicationProperties["merchantId"]);
        using var body = JsonDocument.Parse(message.Body.ToString());
        Assert.Equal(("merchant", "merchant"), (body.RootElement.GetProperty("audience").GetString(), body.RootElement.GetProperty("channel").GetString()));
    }

    [Fact]
    public async Task A_transient_failure_is_not_an_outcome()
    {
        using var app = new OutcomeApp(storage);
        var orderId = await app.CreateOrderAsync();
        var claimed = await app.ClaimAsync(orderId, "payment_due.1");

        await app.Recorder.RecordTransientAsync(claimed, "sms", "provider busy", null, 1, CancellationToken.None);
        await app.RecordSentAsync(orderId, "payment_due.2"); // published after the transient failure was looked at

        await app.WaitForAsync(orderId, "payment_due.2", "reminder.sent");
        Assert.Empty(app.MessagesFor(orderId, "payment_due.1"));
    }

    [Fact]
    public async Task The_message_holds_no_raw_contact_even_when_the_failure_reason_echoes_one()
    {
        using var app = new OutcomeApp(storage);
        var orderId = await app.CreateOrderAsync();

        await app.RecordFailedAsync(orderId, "payment_due.1", $"permanent: 'To' number {OutcomeApp.Phone} (or {OutcomeApp.Phone[1..]}) is not valid; {OutcomeApp.Email}");

        var message = await app.WaitForAsync(orderId, "payment_due.1", "reminder.failed");
        var everything = message.Body + string.Join(";", message.ApplicationProperties.Values) + message.Subject + message.CorrelationId;
        Assert.DoesNotContain("13800138000", everything);
        Assert.DoesNotContain(OutcomeApp.Email, everything);
        using var body = JsonDocument.Parse(message.Body.ToString());
        Assert.Equal("permanent: 'To' number +86138****8000 (or 86138****8000) is not valid; b***@example.com", body.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_failing_namespace_neither_fails_the_write_nor_stops_later_outcomes()
    {
        using var app = new OutcomeApp(storage, send: (message, _) => Equals(message.ApplicationProperties["reminderId"], "payment_due.1")
            ? Task.FromException(new ServiceBusException("the namespace is unreachable", ServiceBusFailureReason.ServiceCommunicationProblem))
            : Task.CompletedTask);
        var orderId = await app.CreateOrderAsync();

        await app.RecordSentAsync(orderId, "payment_due.1");
        await app.WaitForAsync(orderId, "payment_due.1", "reminder.sent");
        await app.RecordSentAsync(orderId, "payment_due.2");

        await app.WaitForAsync(orderId, "payment_due.2", "reminder.sent");
        Assert.Equal(ReminderStatus.Sent, (await app.ReminderAsync(orderId, "payment_due.1")).Status);
    }

    [Fact]
    public async Task A_namespace_that_does_not_answer_does_not_hold_up_the_write()
    {
        var release = new TaskCompletionSource();
        using var app = new OutcomeApp(storage, send: (_, cancellationToken) => release.Task.WaitAsync(cancellationToken));
        try
        {
            var orderId = await app.CreateOrderAsync();

            await app.RecordSentAsync(orderId, "payment_due.1").WaitAsync(TimeSpan.FromSeconds(30));
            await app.RecordSentAsync(orderId, "payment_due.2").WaitAsync(TimeSpan.FromSeconds(30));

            await app.WaitForAsync(orderId, "payment_due.2", "reminder.sent"); // handed over, still unanswered
            Assert.Equal(ReminderStatus.Sent, (await app.ReminderAsync(orderId, "payment_due.2")).Status);
        }
        finally
        {
            release.SetResult();
        }
    }

    [Fact]
    public async Task The_topic_is_taken_from_ServiceBus__Topic()
    {
        using var app = new OutcomeApp(storage, settings: new Dictionary<string, string?> { ["ServiceBus__Topic"] = "acme/reminders" });
        var orderId = await app.CreateOrderAsync();

        await app.RecordSentAsync(orderId, "payment_due.1");

        await app.WaitForAsync(orderId, "payment_due.1", "reminder.sent");
        app.Client.Verify(c => c.CreateSender("acme/reminders"), Times.Once);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out.");
            await Task.Delay(50);
        }
    }
}
