using System.Net;
using Reminders.App.Hosting;
using Reminders.App.Tests.Support;

namespace Reminders.App.Tests.Webhooks;

/// <summary>GET /api/orders/{orderId}: admin key, unknown and invalid ids.</summary>
public sealed class AdminOrderTests : IClassFixture<ReminderAppFactoryFixture>
{
    private readonly ReminderAppFactory _app;

    public AdminOrderTests(ReminderAppFactoryFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task Without_a_key_or_with_a_wrong_key_the_order_is_not_shown()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.OrderCreated(orderId)));

        using var anonymous = await client.GetAsync($"/api/orders/{orderId}");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{orderId}");
        wrong.Headers.Add(Reminders.App.Dashboard.ApiDocument.FunctionKeyHeader, ReminderAppFactory.AdminKey + "x");
        using var wrongAnswer = await client.SendAsync(wrong);
        using var prefix = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{orderId}");
        prefix.Headers.Add(Reminders.App.Dashboard.ApiDocument.FunctionKeyHeader, ReminderAppFactory.AdminKey[..^1]);
        using var prefixAnswer = await client.SendAsync(prefix);

        foreach (var response in new[] { anonymous, wrongAnswer, prefixAnswer })
        {
            var problem = await WebhookTestKit.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.DoesNotContain(orderId, problem.GetRawText());
        }
        using var admin = _app.CreateAdminClient();
        using var allowed = await admin.GetAsync($"/api/orders/{orderId}");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task An_unknown_order_is_a_404_problem()
    {
        using var admin = _app.CreateAdminClient();

        using var response = await admin.GetAsync($"/api/orders/{ReminderAppFactory.NewOrderId()}");

        await WebhookTestKit.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("a%20b")]
    [InlineData("%E8%AE%A2%E5%8D%95")]
    [InlineData("a%2Fb")]
    [InlineData("x%27%20or%20PartitionKey%20ne%20%27")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task An_invalid_order_id_is_a_400_naming_orderId(string orderId)
    {
        using var admin = _app.CreateAdminClient();

        using var response = await admin.GetAsync($"/api/orders/{orderId}");

        await WebhookTestKit.AssertBadFieldAsync(response, "orderId");
    }

    [Fact]
    public async Task An_order_known_only_by_an_ignored_event_is_still_unknown()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.Event("order.note_added", orderId)));
        using var admin = _app.CreateAdminClient();

        using var response = await admin.GetAsync($"/api/orders/{orderId}");

        await WebhookTestKit.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }
}
