using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Reminders.App.Dashboard;
using Reminders.Core.Webhooks;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Support;

/// <summary>
/// The whole app in-process (the real HTTP pipeline) on a real Azurite, with test secrets and keys, no
/// local.settings.json, and settings a test may override. Each factory has its own table and queue
/// namespace only by order ids: tests use unique order ids (<see cref="NewOrderId"/>).
/// </summary>
public class ReminderAppFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key";
    public const string UnsubscribeSecret = "unsubscribe-secret-for-tests";
    public static readonly string OrdersSecretSetting = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("orders-secret-for-tests-0123456789"));
    public static readonly string PaymentsSecretSetting = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("payments-secret-for-tests-012345678"));
    public static readonly WebhookSecret OrdersSecret = StandardWebhook.ParseSecrets(OrdersSecretSetting, "test")[0];
    public static readonly WebhookSecret PaymentsSecret = StandardWebhook.ParseSecrets(PaymentsSecretSetting, "test")[0];

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public ReminderAppFactory(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, string? storageConnectionString = null)
    {
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["AzureWebJobsStorage"] = storageConnectionString ?? TestStorage.ConnectionString,
            ["Webhooks:Orders:Secret"] = OrdersSecretSetting,
            ["Webhooks:Payments:Secret"] = PaymentsSecretSetting,
            ["Admin:Keys"] = AdminKey,
            ["Unsubscribe:Secret"] = UnsubscribeSecret,
            // Quiet hours off unless a test turns them on: the clock is real here.
            ["Reminders:QuietHours:Start"] = "00:00",
            ["Reminders:QuietHours:End"] = "00:00",
        };
        if (settings is not null)
        {
            foreach (var (key, value) in settings) _settings[key.Replace("__", ":", StringComparison.Ordinal)] = value;
        }
        _services = services;
    }

    public TimeProvider? Time { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(global::Functions.LocalHost.FunctionsConfiguration.TestingEnvironment);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services =>
        {
            if (Time is not null) services.Replace(ServiceDescriptor.Singleton(Time));
            _services?.Invoke(services);
        });
    }

    public static string NewOrderId() => "T-" + Guid.NewGuid().ToString("N")[..16];

    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(ApiDocument.FunctionKeyHeader, AdminKey);
        return client;
    }
}

/// <summary>Builds Standard Webhooks requests the way a sender's library does.</summary>
public static class SignedWebhook
{
    public static HttpRequestMessage Create(string endpoint, string body, WebhookSecret secret, string? webhookId = null, DateTimeOffset? timestamp = null)
    {
        var id = webhookId ?? "msg_" + Guid.NewGuid().ToString("N");
        var ts = (timestamp ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{endpoint}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(StandardWebhook.IdHeader, id);
        request.Headers.Add(StandardWebhook.TimestampHeader, ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(StandardWebhook.SignatureHeader, StandardWebhook.Sign(secret, id, ts, Encoding.UTF8.GetBytes(body)));
        return request;
    }

    public static HttpRequestMessage Order(string body, string? webhookId = null) =>
        Create("orders", body, ReminderAppFactory.OrdersSecret, webhookId);

    public static HttpRequestMessage Payment(string body, string? webhookId = null) =>
        Create("payments", body, ReminderAppFactory.PaymentsSecret, webhookId);

    public static string OrderCreated(string orderId, DateTimeOffset? at = null, string buyerId = "b-1", string? phone = "+8613800138000", string? email = "buyer@example.com", string? pushToken = null, string timeZone = "Asia/Shanghai", string merchantId = "m-1")
    {
        var buyer = new Dictionary<string, string> { ["id"] = buyerId, ["locale"] = "zh-CN", ["timeZone"] = timeZone };
        if (phone is not null) buyer["phone"] = phone;
        if (email is not null) buyer["email"] = email;
        if (pushToken is not null) buyer["pushToken"] = pushToken;
        return System.Text.Json.JsonSerializer.Serialize(new
        {
            type = "order.created",
            timestamp = (at ?? DateTimeOffset.UtcNow).ToString("O"),
            data = new { orderId, merchantId, buyer, amount = new { value = "199.00", currency = "CNY" } },
        });
    }

    /// <summary>An event whose data holds orderId and, when given, the raw JSON members in <paramref name="extraData"/> (starting with a comma).</summary>
    public static string Event(string type, string orderId, DateTimeOffset? at = null, string extraData = "") =>
        "{\"type\":\"" + type + "\",\"timestamp\":\"" + (at ?? DateTimeOffset.UtcNow).ToString("O") + "\",\"data\":{\"orderId\":\"" + orderId + "\"" + extraData + "}}";
}
