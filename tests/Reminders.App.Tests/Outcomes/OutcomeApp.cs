using System.Collections.Concurrent;
using System.Net;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Moq;
using Reminders.App.Delivery;
using Reminders.App.Dispatch;
using Reminders.App.Orders;
using Reminders.App.Tests.Support;
using Reminders.Core;
using Reminders.Core.Notifications;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Outcomes;

/// <summary>The outcome tests share one private Azurite: their failure reasons echo raw contacts, which no other test's dashboard may see.</summary>
[CollectionDefinition(Name)]
public sealed class OutcomeCollection : ICollectionFixture<OutcomeStorage>
{
    public const string Name = "Outcomes";
}

public sealed class OutcomeStorage : IDisposable
{
    private readonly AzuriteProcess _azurite = TestStorage.StartPrivateAzurite();

    public string ConnectionString => _azurite.ConnectionString;

    public void Dispose() => _azurite.Dispose();
}

/// <summary>
/// The app on the outcome tests' Azurite with a Service Bus namespace configured, its <see cref="ServiceBusClient"/> replaced by
/// a Moq stand-in (no Service Bus emulator runs here) whose sender records what it is given. Outcomes are recorded
/// the way the senders record them, through <see cref="DeliveryRecorder"/>.
/// </summary>
public sealed class OutcomeApp : IDisposable
{
    public const string ConnectionString = "Endpoint=sb://reminders-test.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=bm90LWEta2V5";
    public const string Phone = "+8613800138000";
    public const string Email = "buyer@example.com";

    private readonly ReminderAppFactory _factory;
    private readonly HttpClient _client;

    public OutcomeApp(OutcomeStorage storage, Func<ServiceBusMessage, CancellationToken, Task>? send = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["ServiceBus"] = ConnectionString,
            ["Sweeps__PaymentDue__Schedule"] = "0 0 0 1 1 *",
            ["Sweeps__ConfirmReceipt__Schedule"] = "0 0 0 1 1 *",
            ["Sweeps__PayLater__Schedule"] = "0 0 0 1 1 *",
            ["Sweeps__Settlement__Schedule"] = "0 0 0 1 1 *",
            ["Sweeps__Refund__Schedule"] = "0 0 0 1 1 *",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        Client.Setup(c => c.CreateSender(It.IsAny<string>())).Returns(Sender.Object);
        Sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .Returns((ServiceBusMessage message, CancellationToken cancellationToken) =>
            {
                Sent.Enqueue(message);
                return send?.Invoke(message, cancellationToken) ?? Task.CompletedTask;
            });
        _factory = new ReminderAppFactory(all, services => services.Replace(ServiceDescriptor.Singleton(Client.Object)), storage.ConnectionString);
        _client = _factory.CreateClient();
    }

    public Mock<ServiceBusClient> Client { get; } = new();

    public Mock<ServiceBusSender> Sender { get; } = new();

    /// <summary>Every message handed to the sender, in order (including those whose send then failed).</summary>
    public ConcurrentQueue<ServiceBusMessage> Sent { get; } = new();

    public IServiceProvider Services => _factory.Services;

    public OrderStore Orders => Services.GetRequiredService<OrderStore>();

    public DeliveryRecorder Recorder => Services.GetRequiredService<DeliveryRecorder>();

    /// <summary>An order of merchant m-1 whose buyer has a phone and an email; its payment reminders are planned.</summary>
    public async Task<string> CreateOrderAsync()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var response = await _client.SendAsync(SignedWebhook.Order(SignedWebhook.OrderCreated(orderId, phone: Phone, email: Email)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return orderId;
    }

    /// <summary>payment.succeeded: the merchant alert settlement_missing is planned.</summary>
    public async Task PaymentSucceededAsync(string orderId)
    {
        using var response = await _client.SendAsync(SignedWebhook.Payment(SignedWebhook.Event("payment.succeeded", orderId)));
        Assert.True(response.IsSuccessStatusCode);
    }

    public async Task<ReminderRow> ReminderAsync(string orderId, string reminderId) =>
        await Orders.GetReminderAsync(orderId, reminderId, CancellationToken.None)
        ?? throw new InvalidOperationException($"No reminder {orderId}/{reminderId}.");

    /// <summary>Claims the reminder for its next attempt, as a sender does before calling the provider.</summary>
    public async Task<ReminderRow> ClaimAsync(string orderId, string reminderId, Channel? channel = Channel.Sms)
    {
        var (_, orderETag, found) = await Orders.ReadForSendAsync(orderId, reminderId, CancellationToken.None);
        var row = found ?? throw new InvalidOperationException($"No reminder {orderId}/{reminderId}.");
        return await Recorder.ClaimAsync(row, new ReminderMessage(orderId, reminderId, row.Attempt + 1), channel, orderETag, CancellationToken.None)
            ?? throw new InvalidOperationException($"Could not claim {orderId}/{reminderId}.");
    }

    public async Task RecordSentAsync(string orderId, string reminderId, Channel? channel = Channel.Sms)
    {
        var claimed = await ClaimAsync(orderId, reminderId, channel);
        await Recorder.RecordSentAsync(claimed, channel?.ToWire() ?? MerchantAlertDelivery.Channel, "outbox", "msg-1", CancellationToken.None);
    }

    /// <summary>Fails the reminder for good with <paramref name="reason"/>, as a sender does when no channel is left.</summary>
    public async Task RecordFailedAsync(string orderId, string reminderId, string reason)
    {
        var claimed = await ClaimAsync(orderId, reminderId);
        var failed = claimed with { Status = ReminderStatus.Failed, Reason = reason, ClaimedAt = null };
        await Recorder.WriteAsync(failed, [TimelineEntry.ForReminder(DateTimeOffset.UtcNow, TimelineTypes.Failed, failed) with { Channel = "sms", Reason = reason }], CancellationToken.None);
    }

    /// <summary>Waits until the sender was handed a message for the reminder with the subject, and returns it.</summary>
    public async Task<ServiceBusMessage> WaitForAsync(string orderId, string reminderId, string subject)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = Sent.FirstOrDefault(m => Is(m, orderId, reminderId) && m.Subject == subject);
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline) Assert.Fail($"No {subject} message for {orderId}/{reminderId}; sent: {string.Join(", ", Sent.Select(m => m.Subject))}.");
            await Task.Delay(50);
        }
    }

    public IReadOnlyList<ServiceBusMessage> MessagesFor(string orderId, string reminderId) =>
        Sent.Where(m => Is(m, orderId, reminderId)).ToList();

    private static bool Is(ServiceBusMessage message, string orderId, string reminderId) =>
        Equals(message.ApplicationProperties["orderId"], orderId) && Equals(message.ApplicationProperties["reminderId"], reminderId);

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}
