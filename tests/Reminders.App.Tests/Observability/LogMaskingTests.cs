using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reminders.App.Tests.Support;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Observability;

/// <summary>Keeps every log line (message, exception, structured values) written through it.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            provider.Lines.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            provider.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} | {values} | {exception}");
        }
    }
}

/// <summary>
/// A whole webhook -> dispatch -> queue -> delivery run with every log line captured at Trace level: no buyer's phone
/// number, email or push token appears unmasked in any of them.
/// </summary>
public sealed class LogMaskingTests : IDisposable
{
    private const string Phone = "+8613912345678";
    private const string Email = "zhang.wei.private@example.com";
    private const string PushToken = "pushtok-SECRET-0a1b2c3d4e5f";

    private readonly AzuriteProcess _azurite = TestStorage.StartPrivateAzurite(); // the app's own senders take its messages

    public void Dispose() => _azurite.Dispose();

    private ReminderAppFactory App(CapturingLoggerProvider capture, bool everyLevel) =>
        new(null, services => services.AddLogging(logging =>
        {
            logging.AddProvider(capture);
            if (everyLevel) logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace);
        }), _azurite.ConnectionString);

    private static async Task<JsonElement> WaitForTimelineAsync(HttpClient admin, string orderId, Func<JsonElement, bool> done)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(90);
        while (true)
        {
            var order = JsonDocument.Parse(await admin.GetStringAsync("/api/orders/" + orderId)).RootElement.Clone();
            if (order.GetProperty("timeline").EnumerateArray().Any(done)) return order;
            if (TimeProvider.System.GetUtcNow() > deadline) Assert.Fail("The timeline never got there: " + order);
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task No_raw_contact_reaches_any_log_line_from_webhook_to_delivery()
    {
        var capture = new CapturingLoggerProvider();
        var orderId = ReminderAppFactory.NewOrderId();
        await using (var app = App(capture, everyLevel: true))
        {
            var client = app.CreateClient();
            var admin = app.CreateAdminClient();
            var created = SignedWebhook.OrderCreated(orderId, buyerId: "b-" + orderId, phone: Phone, email: Email, pushToken: PushToken);
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SignedWebhook.Order(created))).StatusCode);

            // A refused one too: the validation error must not echo the contact into a log.
            var badEmail = created.Replace(Email, "zhang.wei.private@@example.com", StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(SignedWebhook.Order(badEmail))).StatusCode);

            // payment.failed is dispatched at once; the push sender (outbox) delivers it from the queue.
            var failed = SignedWebhook.Event("payment.failed", orderId, extraData: ",\"reason\":\"card_declined\"");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SignedWebhook.Payment(failed))).StatusCode);
            var order = await WaitForTimelineAsync(admin, orderId, t => t.GetProperty("type").GetString() == "sent");
            Assert.Contains(order.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("type").GetString() == "enqueued");

            // The admin views the buyer and the outbox (which show contacts masked).
            await admin.GetAsync("/api/admin/outbox?orderId=" + orderId);
            await admin.GetAsync("/api/admin/buyers/b-" + orderId + "?merchantId=m-1");
        }

        var lines = capture.Lines.ToList();
        Assert.Contains(lines, l => l.Contains(orderId, StringComparison.Ordinal)); // the capture saw this order's run
        Assert.Contains(lines, l => l.StartsWith("Debug", StringComparison.Ordinal) || l.StartsWith("Trace", StringComparison.Ordinal));
        foreach (var secret in new[] { Phone, Phone.TrimStart('+'), Email, "zhang.wei.private@@example.com", PushToken })
        {
            var leaks = lines.Where(l => l.Contains(secret, StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(leaks.Count == 0, $"{secret} appears in: {string.Join(Environment.NewLine, leaks.Take(5))}");
        }
    }

    [Fact]
    public async Task The_admin_key_given_as_code_stays_out_of_the_logs_at_the_configured_levels()
    {
        var capture = new CapturingLoggerProvider();
        await using (var app = App(capture, everyLevel: false))
        {
            var client = app.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard?code=" + ReminderAppFactory.AdminKey)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/admin/dashboard/queues?code=" + ReminderAppFactory.AdminKey)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/dashboard?code=wrong-" + ReminderAppFactory.AdminKey)).StatusCode);
        }
        Assert.DoesNotContain(capture.Lines, l => l.Contains(ReminderAppFactory.AdminKey, StringComparison.Ordinal));
    }
}
