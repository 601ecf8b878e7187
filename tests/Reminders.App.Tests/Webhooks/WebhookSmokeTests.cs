using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Reminders.App.Tests.Support;

namespace Reminders.App.Tests.Webhooks;

public sealed class WebhookSmokeTests : IClassFixture<ReminderAppFactoryFixture>
{
    private readonly ReminderAppFactory _app;

    public WebhookSmokeTests(ReminderAppFactoryFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task A_signed_order_created_is_stored_and_shown_with_its_planned_reminders()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(SignedWebhook.Order(SignedWebhook.OrderCreated(orderId)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var admin = _app.CreateAdminClient();
        var order = await admin.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}");
        Assert.Equal("pending_payment", order.GetProperty("state").GetString());
        Assert.Equal("+86138****8000", order.GetProperty("buyer").GetProperty("phone").GetString());
        Assert.Contains(order.GetProperty("reminders").EnumerateArray(), r => r.GetProperty("kind").GetString() == "payment_due");
    }
}

/// <summary>One app per test class.</summary>
public sealed class ReminderAppFactoryFixture : IDisposable
{
    public ReminderAppFactory App { get; } = new();

    public void Dispose() => App.Dispose();
}
