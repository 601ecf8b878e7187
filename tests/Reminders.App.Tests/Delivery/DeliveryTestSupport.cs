using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Reminders.App.Dispatch;
using System.Reflection;
using Azure.Storage.Queues.Models;
using Reminders.App.Delivery;
using Reminders.Core.Notifications;
using Reminders.App.Orders;
using Reminders.App.Tests.Support;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Delivery;

/// <summary>The delivery tests share one private Azurite and one maildev, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class DeliveryCollection : ICollectionFixture<DeliveryEnvironment>
{
    public const string Name = "Delivery";
}

/// <summary>
/// An Azurite of the delivery tests' own (so no other test's app takes messages off these queues, and no
/// listener of these tests takes theirs) and a real maildev: the one test.sh started
/// (REMINDERS_TEST_SMTP_PORT, REMINDERS_TEST_MAILDEV_URL) or one started here from node_modules.
/// </summary>
public sealed class DeliveryEnvironment : IDisposable
{
    private readonly AzuriteProcess _azurite = TestStorage.StartPrivateAzurite();
    private readonly Maildev _maildev = new();

    public string Storage => _azurite.ConnectionString;

    public int SmtpPort => _maildev.SmtpPort;

    public Uri MaildevUrl => _maildev.WebUrl;

    /// <summary>Polls maildev's REST API until an email to <paramref name="address"/> is there.</summary>
    public Task<JsonElement> WaitForEmailToAsync(string address) => _maildev.WaitForEmailAsync(email => Maildev.IsTo(email, address));

    public async Task<int> CountEmailsToAsync(string address) =>
        (await _maildev.GetEmailsAsync()).EnumerateArray().Count(email => Maildev.IsTo(email, address));

    public void Dispose()
    {
        _maildev.Dispose();
        _azurite.Dispose();
    }
}

/// <summary>
/// The app for a delivery test, on the delivery Azurite with seconds-long steps, quiet hours off and a high cap.
/// Unless <c>withQueueListeners</c>, no queue listener runs: the test invokes queue functions itself.
/// Timer schedules are pushed out of the way; sweeps run when the test says.
/// </summary>
public sealed class DeliveryApp : IDisposable
{
    public const string Rarely = "0 0 0 1 1 *";
    public const string TwilioAuthToken = "twilio-auth-token-for-tests";

    private readonly ReminderAppFactory _factory;

    public DeliveryApp(DeliveryEnvironment environment, IReadOnlyDictionary<string, string?>? settings = null, bool withQueueListeners = false)
    {
        Environment = environment;
        var all = new Dictionary<string, string?>
        {
            ["Sweeps__PaymentDue__Schedule"] = Rarely,
            ["Sweeps__ConfirmReceipt__Schedule"] = Rarely,
            ["Sweeps__PayLater__Schedule"] = Rarely,
            ["Sweeps__Settlement__Schedule"] = Rarely,
            ["Sweeps__Refund__Schedule"] = Rarely,
            ["Reminders__PaymentDue__Steps"] = "00:00:01,00:30:00",
            ["Reminders__PaymentDue__Window"] = "01:00:00",
            ["Reminders__BuyerDailyCap"] = "1000",
            ["Reminders__MinInterval"] = "00:00:00",
            ["Reminders__MaxJitter"] = "00:00:00",
            ["Reminders__Channels"] = "sms,email,push",
            ["AzureFunctionsJobHost__extensions__queues__maxPollingInterval"] = "00:00:00.200",
            ["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        _factory = new ReminderAppFactory(all, services =>
        {
            if (withQueueListeners) return;
            foreach (var listener in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == "Functions.LocalHost.QueueTriggerService").ToList())
            {
                services.Remove(listener);
            }
        }, environment.Storage);
        Client = _factory.CreateClient();
        Admin = _factory.CreateAdminClient();
    }

    public DeliveryEnvironment Environment { get; }

    public HttpClient Client { get; }

    public HttpClient Admin { get; }

    public IServiceProvider Services => _factory.Services;

    public OrderStore Orders => Services.GetRequiredService<OrderStore>();

    public ReminderStorage Storage => Services.GetRequiredService<ReminderStorage>();

    public static string NewBuyerId() => "buyer-" + Guid.NewGuid().ToString("N")[..12];

    public static string NewEmail() => "buyer-" + Guid.NewGuid().ToString("N")[..12] + "@example.com";

    /// <summary>A phone number of its own, so a contact-level opt-out of one test touches no other.</summary>
    public static string NewPhone() => "+861" + Random.Shared.NextInt64(3000000000, 3999999999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Posts a signed order.created placed a minute ago, so its first payment reminder (step 1 s) is due at once.</summary>
    public async Task CreateOrderAsync(string orderId, string buyerId, string? phone, string? email, string? pushToken = null, DateTimeOffset? at = null, string merchantId = "m-1")
    {
        using var response = await Client.SendAsync(SignedWebhook.Order(SignedWebhook.OrderCreated(
            orderId, at ?? DateTimeOffset.UtcNow.AddMinutes(-1), buyerId: buyerId, phone: phone, email: email, pushToken: pushToken, merchantId: merchantId)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task PaymentEventAsync(string type, string orderId, DateTimeOffset? at = null, string extraData = "")
    {
        using var response = await Client.SendAsync(SignedWebhook.Payment(SignedWebhook.Event(type, orderId, at, extraData)));
        Assert.True(response.IsSuccessStatusCode, $"{type}: {(int)response.StatusCode}");
    }

    public async Task SweepAsync(Sweep sweep)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Services.GetRequiredService<ReminderDispatcher>().SweepAsync(sweep, timeout.Token);
    }

    public async Task<ReminderRow> ReminderAsync(string orderId, string reminderId) =>
        await Orders.GetReminderAsync(orderId, reminderId, CancellationToken.None)
        ?? throw new InvalidOperationException($"No reminder {orderId}/{reminderId}.");

    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(string orderId) =>
        (await Orders.GetAsync(orderId, CancellationToken.None))!.Timeline.OrderBy(t => t.At).ToList();

    /// <summary>The queue message the dispatcher (or a fallback) sent for the reminder's current attempt, as the host would hand it over.</summary>
    public async Task<QueueMessage> MessageForAsync(string orderId, string reminderId, long dequeueCount = 1)
    {
        var row = await ReminderAsync(orderId, reminderId);
        return Message(new ReminderMessage(orderId, reminderId, row.Attempt), dequeueCount);
    }

    public static QueueMessage Message(ReminderMessage message, long dequeueCount = 1) => Message(message.ToJson(), dequeueCount);

    public static QueueMessage Message(string text, long dequeueCount = 1) =>
        QueuesModelFactory.QueueMessage("msg-" + Guid.NewGuid().ToString("N")[..8], "pop", BinaryData.FromString(text), dequeueCount,
            insertedOn: DateTimeOffset.UtcNow);

    /// <summary>Runs a queue function the way the host does: its class created in a scope of its own, its Run method called.</summary>
    public async Task RunAsync<TFunction>(QueueMessage message) where TFunction : class
    {
        await using var scope = Services.CreateAsyncScope();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var function = ActivatorUtilities.CreateInstance<TFunction>(scope.ServiceProvider);
        var run = typeof(TFunction).GetMethod("Run") ?? throw new InvalidOperationException($"{typeof(TFunction).Name} has no Run method.");
        await (Task)run.Invoke(function, BindingFlags.DoNotWrapExceptions, null, [message, timeout.Token], null)!;
    }

    /// <summary>What the SMS sender did with <paramref name="message"/> (the function itself returns nothing).</summary>
    public async Task<DeliveryOutcome> DeliverSmsAsync(QueueMessage message)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await Services.GetRequiredService<ReminderDelivery>().DeliverAsync(Channel.Sms, message, timeout.Token);
    }

    /// <summary>Takes this order's messages off <paramref name="queue"/>; other messages become visible again shortly.</summary>
    public async Task<IReadOnlyList<ReminderMessage>> TakeMessagesAsync(string queue, string orderId)
    {
        var client = Storage.Queue(queue);
        var found = new List<ReminderMessage>();
        while (true)
        {
            var batch = (await client.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(2))).Value;
            if (batch.Length == 0) return found;
            foreach (var message in batch)
            {
                if (ReminderMessage.TryParse(message.MessageText ?? "") is { } parsed && parsed.OrderId == orderId)
                {
                    found.Add(parsed);
                    await client.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
            }
        }
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting until {what}.");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        Admin.Dispose();
        _factory.Dispose();
    }
}

/// <summary>A Twilio Messages API stand-in that answers every send with <paramref name="answer"/>.</summary>
public static class ProviderStubs
{
    public static Task<StubServer> TwilioAsync(Func<int, (int Status, string Json, (string, string)[] Headers)>? answer = null)
    {
        var count = 0;
        return StubServer.StartAsync(async (request, context) =>
        {
            var n = Interlocked.Increment(ref count);
            var (status, json, headers) = answer?.Invoke(n) ?? (201, $"{{\"sid\":\"SM{n:D32}\",\"status\":\"queued\"}}", []);
            await StubServer.RespondAsync(context, status, json, headers);
        });
    }

    public static Dictionary<string, string?> TwilioSettings(StubServer stub) => new()
    {
        ["Channels__Sms__Provider"] = "twilio",
        ["Channels__Sms__Twilio__AccountSid"] = "AC00000000000000000000000000000001",
        ["Channels__Sms__Twilio__AuthToken"] = DeliveryApp.TwilioAuthToken,
        ["Channels__Sms__Twilio__From"] = "+15005550006",
        ["Channels__Sms__Twilio__BaseUrl"] = stub.BaseUrl.AbsoluteUri,
    };

    /// <summary>The SMS sends the stub got (form bodies), token requests and others left out.</summary>
    public static IReadOnlyList<Dictionary<string, string>> SmsSends(StubServer stub) =>
        stub.Requests.Where(r => r.Path.EndsWith("/Messages.json", StringComparison.Ordinal))
            .Select(r => System.Web.HttpUtility.ParseQueryString(r.BodyText))
            .Select(form => form.AllKeys.OfType<string>().ToDictionary(k => k, k => form[k]!))
            .ToList();
}
