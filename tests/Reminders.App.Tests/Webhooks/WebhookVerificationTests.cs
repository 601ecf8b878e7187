using System.Net;
using System.Text;
using Reminders.App.Tests.Support;
using Reminders.Core.Webhooks;

namespace Reminders.App.Tests.Webhooks;

/// <summary>Standard Webhooks verification through the real HTTP pipeline.</summary>
public sealed class WebhookVerificationTests : IClassFixture<ReminderAppFactoryFixture>
{
    private static readonly WebhookSecret WrongSecret =
        StandardWebhook.ParseSecrets("whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("not-the-secret-of-this-service-0")), "test")[0];

    private readonly ReminderAppFactory _app;

    public WebhookVerificationTests(ReminderAppFactoryFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task Signed_requests_on_both_endpoints_are_accepted()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();
        using var created = await client.SendAsync(SignedWebhook.Order(SignedWebhook.OrderCreated(orderId)));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using var paid = await client.SendAsync(SignedWebhook.Payment(SignedWebhook.Event("payment.succeeded", orderId)));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_and_nothing_is_stored()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();
        using var response = await client.SendAsync(SignedWebhook.Create("orders", SignedWebhook.OrderCreated(orderId), WrongSecret));
        await WebhookTestKit.AssertProblemAsync(response, HttpStatusCode.Unauthorized);

        // The payments secret does not sign order webhooks either.
        using var crossed = await client.SendAsync(SignedWebhook.Create("orders", SignedWebhook.OrderCreated(orderId), ReminderAppFactory.PaymentsSecret));
        await WebhookTestKit.AssertProblemAsync(crossed, HttpStatusCode.Unauthorized);

        using var admin = _app.CreateAdminClient();
        using var order = await admin.GetAsync($"/api/orders/{orderId}");
        Assert.Equal(HttpStatusCode.NotFound, order.StatusCode);
    }

    [Fact]
    public async Task A_tampered_body_is_refused()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        var signed = SignedWebhook.Order(SignedWebhook.OrderCreated(orderId));
        var tampered = (await signed.Content!.ReadAsStringAsync()).Replace("199.00", "1.00", StringComparison.Ordinal);
        signed.Content = new StringContent(tampered, Encoding.UTF8, "application/json");
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(signed);

        var problem = await WebhookTestKit.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("webhook-signature", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(-360)]
    [InlineData(360)]
    [InlineData(-86400)]
    public async Task Timestamps_more_than_five_minutes_off_are_refused(int offsetSeconds)
    {
        var body = SignedWebhook.OrderCreated(ReminderAppFactory.NewOrderId());
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(
            SignedWebhook.Create("orders", body, ReminderAppFactory.OrdersSecret, timestamp: DateTimeOffset.UtcNow.AddSeconds(offsetSeconds)));

        var problem = await WebhookTestKit.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(offsetSeconds < 0 ? "past" : "future", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_timestamp_within_five_minutes_is_accepted()
    {
        var body = SignedWebhook.OrderCreated(ReminderAppFactory.NewOrderId());
        using var client = _app.CreateClient();

        using var past = await client.SendAsync(
            SignedWebhook.Create("orders", body, ReminderAppFactory.OrdersSecret, timestamp: DateTimeOffset.UtcNow.AddMinutes(-4)));
        using var future = await client.SendAsync(
            SignedWebhook.Create("orders", body, ReminderAppFactory.OrdersSecret, timestamp: DateTimeOffset.UtcNow.AddMinutes(4)));

        Assert.Equal(HttpStatusCode.OK, past.StatusCode);
        Assert.Equal(HttpStatusCode.OK, future.StatusCode);
    }

    [Theory]
    [InlineData("webhook-id")]
    [InlineData("webhook-timestamp")]
    [InlineData("webhook-signature")]
    public async Task A_missing_header_is_refused(string header)
    {
        var request = SignedWebhook.Order(SignedWebhook.OrderCreated(ReminderAppFactory.NewOrderId()));
        request.Headers.Remove(header);
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(request);

        var problem = await WebhookTestKit.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(header, problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("webhook-id", "")]
    [InlineData("webhook-timestamp", "")]
    [InlineData("webhook-timestamp", "17e8")]
    [InlineData("webhook-timestamp", "-1")]
    [InlineData("webhook-timestamp", "99999999999999999999999")]
    [InlineData("webhook-signature", "")]
    [InlineData("webhook-signature", "v1")]
    [InlineData("webhook-signature", "v1,")]
    [InlineData("webhook-signature", "v1,not base64!")]
    [InlineData("webhook-signature", "v2,AAAA")]
    public async Task An_empty_or_malformed_header_is_refused(string header, string value)
    {
        var request = SignedWebhook.Order(SignedWebhook.OrderCreated(ReminderAppFactory.NewOrderId()));
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, value);
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(request);

        await WebhookTestKit.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Several_signatures_in_the_header_are_accepted_when_one_matches()
    {
        var body = SignedWebhook.OrderCreated(ReminderAppFactory.NewOrderId());
        var request = SignedWebhook.Order(body);
        var good = request.Headers.GetValues(StandardWebhook.SignatureHeader).Single();
        var id = request.Headers.GetValues(StandardWebhook.IdHeader).Single();
        var ts = long.Parse(request.Headers.GetValues(StandardWebhook.TimestampHeader).Single(), System.Globalization.CultureInfo.InvariantCulture);
        var wrong = StandardWebhook.Sign(WrongSecret, id, ts, Encoding.UTF8.GetBytes(body));
        request.Headers.Remove(StandardWebhook.SignatureHeader);
        request.Headers.TryAddWithoutValidation(StandardWebhook.SignatureHeader, $"v1a,xyz {wrong} {good}");
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Several_signatures_none_matching_are_refused()
    {
        var body = SignedWebhook.OrderCreated(ReminderAppFactory.NewOrderId());
        var request = SignedWebhook.Order(body);
        var id = request.Headers.GetValues(StandardWebhook.IdHeader).Single();
        var ts = long.Parse(request.Headers.GetValues(StandardWebhook.TimestampHeader).Single(), System.Globalization.CultureInfo.InvariantCulture);
        var wrong = StandardWebhook.Sign(WrongSecret, id, ts, Encoding.UTF8.GetBytes(body));
        var payments = StandardWebhook.Sign(ReminderAppFactory.PaymentsSecret, id, ts, Encoding.UTF8.GetBytes(body));
        request.Headers.Remove(StandardWebhook.SignatureHeader);
        request.Headers.TryAddWithoutValidation(StandardWebhook.SignatureHeader, $"{wrong} {payments}");
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(request);

        await WebhookTestKit.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }
}

/// <summary>Key rotation: two secrets in the setting, separated by a space; either signs.</summary>
public sealed class WebhookSecretRotationTests : IDisposable
{
    private static readonly string OldSetting = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("old-orders-secret-before-rotation"));
    private static readonly string NewSetting = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("new-orders-secret-after-rotation!"));

    private readonly ReminderAppFactory _app = new(new Dictionary<string, string?>
    {
        ["Webhooks__Orders__Secret"] = NewSetting + " " + OldSetting,
    });

    [Fact]
    public async Task Both_secrets_of_a_rotation_are_accepted_and_the_retired_one_is_not()
    {
        using var client = _app.CreateClient();
        var oldSecret = StandardWebhook.ParseSecrets(OldSetting, "test")[0];
        var newSecret = StandardWebhook.ParseSecrets(NewSetting, "test")[0];

        using var byOld = await client.SendAsync(SignedWebhook.Create("orders", SignedWebhook.OrderCreated(ReminderAppFactory.NewOrderId()), oldSecret));
        using var byNew = await client.SendAsync(SignedWebhook.Create("orders", SignedWebhook.OrderCreated(ReminderAppFactory.NewOrderId()), newSecret));
        using var byRetired = await client.SendAsync(SignedWebhook.Order(SignedWebhook.OrderCreated(ReminderAppFactory.NewOrderId())));

        Assert.Equal(HttpStatusCode.OK, byOld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byNew.StatusCode);
        await WebhookTestKit.AssertProblemAsync(byRetired, HttpStatusCode.Unauthorized);
    }

    public void Dispose() => _app.Dispose();
}
