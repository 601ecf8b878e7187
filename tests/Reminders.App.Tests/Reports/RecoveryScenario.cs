using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Orders;
using Reminders.App.Reports;
using Reminders.App.Storage;
using Reminders.App.Tests.Dispatch;
using Reminders.App.Tests.Support;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Reports;

/// <summary>
/// The done-when run of issue #15, once for the tests that read it: the whole app (timer sweeps every second, queue
/// listeners, SMS to the outbox) on an Azurite of its own, payment reminders 2 s and 10 s after the order, and six
/// orders of one new merchant:
/// A and B paid after their first reminder (A's payment replayed, B paid twice), C paid after its second, D never
/// paid, E opted out of SMS after its first (its second is held back), F's payment reported late with a time before
/// its first reminder.
/// </summary>
public sealed class RecoveryScenario : IAsyncLifetime
{
    private readonly AzuriteProcess _azurite = TestStorage.StartPrivateAzurite();
    private readonly StorageRecorder _recorder = new();
    private ReminderAppFactory _app = null!;

    public string MerchantId { get; } = "m-rep-" + Guid.NewGuid().ToString("N")[..8];

    public string BaseUrl { get; private set; } = "";

    public HttpClient Admin { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    /// <summary>The Shanghai days around now, so that a run across local midnight still finds every line.</summary>
    public string Query { get; } = ReportQuery(DateTimeOffset.UtcNow);

    /// <summary>What each order's payment came after, as the app recorded it: (paid at − sent at) in whole milliseconds.</summary>
    public Dictionary<string, long> MillisecondsToPayment { get; } = [];

    /// <summary>The requests the run made to table Reports (all of them writes: nobody read the report yet).</summary>
    public IReadOnlyList<Dispatch.RecordedRequest> ReportWrites { get; private set; } = [];

    public string OrderA { get; } = ReminderAppFactory.NewOrderId();
    public string OrderB { get; } = ReminderAppFactory.NewOrderId();
    public string OrderC { get; } = ReminderAppFactory.NewOrderId();
    public string OrderD { get; } = ReminderAppFactory.NewOrderId();
    public string OrderE { get; } = ReminderAppFactory.NewOrderId();
    public string OrderF { get; } = ReminderAppFactory.NewOrderId();

    public static string ReportQuery(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);
        return $"from={MerchantReport.IsoDate(today.AddDays(-1))}&to={MerchantReport.IsoDate(today.AddDays(1))}";
    }

    public async Task InitializeAsync()
    {
        _app = new ReminderAppFactory(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Reminders__PaymentDue__Steps"] = "00:00:02,00:00:10",
            ["Reminders__PaymentDue__Window"] = "00:10:00",
            ["Reminders__Channels"] = "sms",
            ["Reminders__BuyerDailyCap"] = "1000",
            ["Reminders__MinInterval"] = "00:00:00",
            ["Reminders__MaxJitter"] = "00:00:00",
            ["Reports__AttributionWindow"] = "01:00:00",
            ["Sweeps__PaymentDue__Schedule"] = "* * * * * *",
            ["AzureFunctionsJobHost__extensions__queues__maxPollingInterval"] = "00:00:00.200",
        }, services => services.AddSingleton(new StorageRequestPolicy(_recorder)), _azurite.ConnectionString);
        _app.UseKestrel();
        _app.StartServer();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal));
        Admin = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        Admin.DefaultRequestHeaders.Add("x-functions-key", ReminderAppFactory.AdminKey);
        await RunAsync();
    }

    private async Task RunAsync()
    {
        var amounts = new Dictionary<string, string> { [OrderA] = "199.00", [OrderB] = "10.05", [OrderC] = "88.88", [OrderD] = "50.00", [OrderE] = "20.00", [OrderF] = "30.00" };
        foreach (var (orderId, amount) in amounts) await PostAsync(SignedWebhook.Order(OrderCreated(orderId, amount)));
        foreach (var orderId in amounts.Keys) await WaitForAsync(orderId, "payment_due.1", ReminderStatus.Sent);

        var paymentA = "msg_" + Guid.NewGuid().ToString("N");
        await PayAsync(OrderA, DateTimeOffset.UtcNow, paymentA);
        await PayAsync(OrderA, DateTimeOffset.UtcNow, paymentA); // the same webhook again
        await PayAsync(OrderB, DateTimeOffset.UtcNow);
        await PayAsync(OrderB, DateTimeOffset.UtcNow); // a second payment event
        var sentF = (await ReminderAsync(OrderF, "payment_due.1")).SentAt!.Value;
        await PayAsync(OrderF, sentF.AddSeconds(-1)); // paid before the reminder; the event arrives after it
        using (var optOut = await Admin.PostAsJsonAsync("/api/admin/optouts", new { merchantId = MerchantId, buyerId = "buyer-" + OrderE, channel = "sms", optedOut = true }))
        {
            Assert.Equal(HttpStatusCode.OK, optOut.StatusCode);
        }

        await WaitForAsync(OrderC, "payment_due.2", ReminderStatus.Sent);
        await WaitForAsync(OrderD, "payment_due.2", ReminderStatus.Sent);
        await WaitForAsync(OrderE, "payment_due.2", ReminderStatus.Suppressed);
        await PayAsync(OrderC, DateTimeOffset.UtcNow);

        var orders = Services.GetRequiredService<OrderStore>();
        foreach (var (orderId, reminderId) in new[] { (OrderA, "payment_due.1"), (OrderB, "payment_due.1"), (OrderC, "payment_due.2") })
        {
            var snapshot = (await orders.GetAsync(orderId, CancellationToken.None))!;
            var sentAt = snapshot.Reminders.Single(r => r.ReminderId == reminderId).SentAt!.Value;
            MillisecondsToPayment[orderId] = (long)(snapshot.Order.PaidAt!.Value - sentAt).TotalMilliseconds;
        }
        ReportWrites = [.. _recorder.Requests.Where(r => r.Target == ReminderStorage.ReportsTable)];
    }

    public async Task<JsonElement> ReportAsync(string query)
    {
        using var response = await Admin.GetAsync($"/api/merchants/{MerchantId}/report?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<ReminderRow> ReminderAsync(string orderId, string reminderId) =>
        await Services.GetRequiredService<OrderStore>().GetReminderAsync(orderId, reminderId, CancellationToken.None)
        ?? throw new InvalidOperationException($"No reminder {orderId}/{reminderId}.");

    private async Task WaitForAsync(string orderId, string reminderId, ReminderStatus status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((await Services.GetRequiredService<OrderStore>().GetReminderAsync(orderId, reminderId, CancellationToken.None))?.Status != status)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{orderId}/{reminderId} did not become {status} within 90 s.");
            await Task.Delay(100);
        }
    }

    private Task PayAsync(string orderId, DateTimeOffset at, string? webhookId = null) =>
        PostAsync(SignedWebhook.Payment(SignedWebhook.Event("payment.succeeded", orderId, at), webhookId));

    private async Task PostAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await Admin.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private string OrderCreated(string orderId, string amount) => JsonSerializer.Serialize(new
    {
        type = "order.created",
        timestamp = DateTimeOffset.UtcNow.ToString("O"),
        data = new
        {
            orderId,
            merchantId = MerchantId,
            buyer = new { id = "buyer-" + orderId, phone = "+861" + Random.Shared.NextInt64(3000000000, 3999999999), locale = "zh-CN", timeZone = "Asia/Shanghai" },
            amount = new { value = amount, currency = "CNY" },
        },
    });

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        await _app.DisposeAsync();
        _azurite.Dispose();
    }
}
