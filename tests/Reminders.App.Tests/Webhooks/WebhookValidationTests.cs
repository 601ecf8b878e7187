using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Reminders.App.Tests.Support;
using Reminders.App.Webhooks;

namespace Reminders.App.Tests.Webhooks;

/// <summary>Size, media type and body validation answers: 413, 415, 400 naming the field, 200 for ignored types.</summary>
public sealed class WebhookValidationTests : IClassFixture<ReminderAppFactoryFixture>
{
    private readonly ReminderAppFactory _app;

    public WebhookValidationTests(ReminderAppFactoryFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task A_body_over_64_KiB_with_Content_Length_is_refused_with_413()
    {
        var body = new byte[WebhookReceiver.MaxBodyBytes + 1];
        Array.Fill(body, (byte)' ');
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(WebhookTestKit.SignedBytes("orders", body, ReminderAppFactory.OrdersSecret));

        await WebhookTestKit.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_chunked_body_over_64_KiB_is_refused_with_413_before_it_is_read_whole()
    {
        var content = new EndlessJsonContent(totalBytes: 16 * 1024 * 1024);
        var request = WebhookTestKit.Raw("orders", content);
        request.Headers.TryAddWithoutValidation("webhook-id", "msg_chunked");
        request.Headers.TryAddWithoutValidation("webhook-timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", "v1,AAAA");
        request.Headers.TransferEncodingChunked = true;
        // The default test client buffers request bodies (to follow redirects); this one streams them.
        using var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        using var response = await client.SendAsync(request);

        await WebhookTestKit.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.True(content.BytesProduced < 4 * 1024 * 1024, $"{content.BytesProduced} bytes were read of a refused body");
    }

    [Fact]
    public async Task A_body_of_exactly_64_KiB_is_read_and_judged_on_its_content()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        var json = SignedWebhook.OrderCreated(orderId);
        var body = Encoding.UTF8.GetBytes(json.PadRight(WebhookReceiver.MaxBodyBytes));
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(WebhookTestKit.SignedBytes("orders", body, ReminderAppFactory.OrdersSecret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/jsonx")]
    [InlineData(null)]
    public async Task A_non_JSON_content_type_is_refused_with_415(string? contentType)
    {
        var body = Encoding.UTF8.GetBytes(SignedWebhook.OrderCreated(ReminderAppFactory.NewOrderId()));
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(WebhookTestKit.SignedBytes("orders", body, ReminderAppFactory.OrdersSecret, contentType));

        await WebhookTestKit.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    [InlineData("application/cloudevents+json")]
    public async Task JSON_content_types_are_accepted(string contentType)
    {
        var body = Encoding.UTF8.GetBytes(SignedWebhook.OrderCreated(ReminderAppFactory.NewOrderId()));
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(WebhookTestKit.SignedBytes("orders", body, ReminderAppFactory.OrdersSecret, contentType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string, string, string> BadOrderBodies()
    {
        const string ts = "2026-01-05T12:00:00Z";
        string Created(string data) => "{\"type\":\"order.created\",\"timestamp\":\"" + ts + "\",\"data\":" + data + "}";
        string Buyer(string members) => "{\"orderId\":\"o-1\",\"merchantId\":\"m-1\",\"buyer\":{\"id\":\"b-1\"" + members + "}}";
        string Amount(string value, string currency) =>
            "{\"orderId\":\"o-1\",\"merchantId\":\"m-1\",\"buyer\":{\"id\":\"b-1\",\"phone\":\"+8613800138000\"},\"amount\":{\"value\":" + value + ",\"currency\":" + currency + "}}";
        return new TheoryData<string, string, string>
        {
            { "bad JSON", "{\"type\":\"order.created\",", "body" },
            { "not an object", "[1,2,3]", "body" },
            { "not UTF-8", "{\"type\":\"\u00ff\u00fe\"}", "body" },
            { "missing type", "{\"timestamp\":\"" + ts + "\",\"data\":{\"orderId\":\"o-1\"}}", "type" },
            { "type not a string", "{\"type\":7,\"timestamp\":\"" + ts + "\",\"data\":{\"orderId\":\"o-1\"}}", "type" },
            { "missing timestamp", "{\"type\":\"order.shipped\",\"data\":{\"orderId\":\"o-1\"}}", "timestamp" },
            { "timestamp without offset", "{\"type\":\"order.shipped\",\"timestamp\":\"2026-01-05T12:00:00\",\"data\":{\"orderId\":\"o-1\"}}", "timestamp" },
            { "missing data", "{\"type\":\"order.shipped\",\"timestamp\":\"" + ts + "\"}", "data" },
            { "data not an object", "{\"type\":\"order.shipped\",\"timestamp\":\"" + ts + "\",\"data\":\"o-1\"}", "data" },
            { "missing orderId", Created("{\"merchantId\":\"m-1\",\"buyer\":{\"id\":\"b-1\",\"phone\":\"+8613800138000\"}}"), "data.orderId" },
            { "orderId a number", "{\"type\":\"order.shipped\",\"timestamp\":\"" + ts + "\",\"data\":{\"orderId\":12345}}", "data.orderId" },
            { "orderId empty", "{\"type\":\"order.shipped\",\"timestamp\":\"" + ts + "\",\"data\":{\"orderId\":\"\"}}", "data.orderId" },
            { "orderId 65 chars", "{\"type\":\"order.shipped\",\"timestamp\":\"" + ts + "\",\"data\":{\"orderId\":\"" + new string('a', 65) + "\"}}", "data.orderId" },
            { "orderId with a slash", "{\"type\":\"order.shipped\",\"timestamp\":\"" + ts + "\",\"data\":{\"orderId\":\"o/1\"}}", "data.orderId" },
            { "orderId with a space", "{\"type\":\"order.shipped\",\"timestamp\":\"" + ts + "\",\"data\":{\"orderId\":\"o 1\"}}", "data.orderId" },
            { "orderId non-ASCII", "{\"type\":\"order.shipped\",\"timestamp\":\"" + ts + "\",\"data\":{\"orderId\":\"订单1\"}}", "data.orderId" },
            { "missing merchantId", Created("{\"orderId\":\"o-1\",\"buyer\":{\"id\":\"b-1\",\"phone\":\"+8613800138000\"}}"), "data.merchantId" },
            { "merchantId 65 chars", Created("{\"orderId\":\"o-1\",\"merchantId\":\"" + new string('m', 65) + "\",\"buyer\":{\"id\":\"b-1\",\"phone\":\"+8613800138000\"}}"), "data.merchantId" },
            { "missing buyer", Created("{\"orderId\":\"o-1\",\"merchantId\":\"m-1\"}"), "data.buyer" },
            { "buyer id with a hash", Created(Buyer(",\"phone\":\"+8613800138000\"").Replace("\"b-1\"", "\"b#1\"", StringComparison.Ordinal)), "data.buyer.id" },
            { "buyer without contacts", Created(Buyer("")), "data.buyer" },
            { "phone without plus", Created(Buyer(",\"phone\":\"13800138000\"")), "data.buyer.phone" },
            { "phone too long", Created(Buyer(",\"phone\":\"+8613800138000123\"")), "data.buyer.phone" },
            { "phone with spaces", Created(Buyer(",\"phone\":\"+86 138 0013 8000\"")), "data.buyer.phone" },
            { "phone leading zero", Created(Buyer(",\"phone\":\"+0613800138000\"")), "data.buyer.phone" },
            { "email without domain dot", Created(Buyer(",\"email\":\"a@localhost\"")), "data.buyer.email" },
            { "unknown time zone", Created(Buyer(",\"phone\":\"+8613800138000\",\"timeZone\":\"Mars/Olympus_Mons\"")), "data.buyer.timeZone" },
            { "time zone path", Created(Buyer(",\"phone\":\"+8613800138000\",\"timeZone\":\"../../etc/passwd\"")), "data.buyer.timeZone" },
            { "locale", Created(Buyer(",\"phone\":\"+8613800138000\",\"locale\":\"zh_CN!\"")), "data.buyer.locale" },
            { "currency lower case", Created(Amount("\"199.00\"", "\"cny\"")), "data.amount.currency" },
            { "currency unknown", Created(Amount("\"199.00\"", "\"XYZ\"")), "data.amount.currency" },
            { "currency missing", Created(Amount("\"199.00\"", "null")), "data.amount.currency" },
            { "amount a number", Created(Amount("199.00", "\"CNY\"")), "data.amount.value" },
            { "amount with comma", Created(Amount("\"1,99\"", "\"CNY\"")), "data.amount.value" },
            { "amount negative", Created(Amount("\"-1.00\"", "\"CNY\"")), "data.amount.value" },
            { "amount five decimals", Created(Amount("\"1.00001\"", "\"CNY\"")), "data.amount.value" },
            { "amount exponent", Created(Amount("\"1e3\"", "\"CNY\"")), "data.amount.value" },
            { "amount 19 digits", Created(Amount("\"1234567890123456789\"", "\"CNY\"")), "data.amount.value" },
            { "amount NaN", Created(Amount("\"NaN\"", "\"CNY\"")), "data.amount.value" },
            { "payLater without dueAt", Created("{\"orderId\":\"o-1\",\"merchantId\":\"m-1\",\"buyer\":{\"id\":\"b-1\",\"phone\":\"+8613800138000\"},\"payLater\":{}}"), "data.payLater.dueAt" },
            { "duplicate property", "{\"type\":\"order.shipped\",\"type\":\"order.shipped\",\"timestamp\":\"" + ts + "\",\"data\":{\"orderId\":\"o-1\"}}", "body" },
            { "payment type on the orders endpoint", "{\"type\":\"payment.succeeded\",\"timestamp\":\"" + ts + "\",\"data\":{\"orderId\":\"o-1\"}}", "type" },
        };
    }

    [Theory]
    [MemberData(nameof(BadOrderBodies))]
    public async Task A_bad_order_body_is_refused_with_400_naming_the_field(string why, string body, string field)
    {
        using var client = _app.CreateClient();
        var bytes = why == "not UTF-8" ? [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D] : Encoding.UTF8.GetBytes(body);

        using var response = await client.SendAsync(WebhookTestKit.SignedBytes("orders", bytes, ReminderAppFactory.OrdersSecret));

        await WebhookTestKit.AssertBadFieldAsync(response, field);
    }

    public static TheoryData<string, string, string> BadPaymentBodies()
    {
        const string ts = "2026-01-05T12:00:00Z";
        string Event(string type, string data) => "{\"type\":\"" + type + "\",\"timestamp\":\"" + ts + "\",\"data\":" + data + "}";
        return new TheoryData<string, string, string>
        {
            { "order type on the payments endpoint", Event("order.created", "{\"orderId\":\"o-1\"}"), "type" },
            { "failed without reason", Event("payment.failed", "{\"orderId\":\"o-1\"}"), "data.reason" },
            { "reason with control characters", Event("payment.failed", "{\"orderId\":\"o-1\",\"reason\":\"a\\u0000b\"}"), "data.reason" },
            { "retry url not https", Event("payment.failed", "{\"orderId\":\"o-1\",\"reason\":\"card_declined\",\"retryUrl\":\"http://pay.example.com/r\"}"), "data.retryUrl" },
            { "paymentId 129 chars", Event("payment.succeeded", "{\"orderId\":\"o-1\",\"paymentId\":\"" + new string('p', 129) + "\"}"), "data.paymentId" },
            { "refundId with a slash", Event("refund.requested", "{\"orderId\":\"o-1\",\"refundId\":\"r/1\"}"), "data.refundId" },
            { "payment amount currency", Event("payment.succeeded", "{\"orderId\":\"o-1\",\"amount\":{\"value\":\"1.00\",\"currency\":\"RMB\"}}"), "data.amount.currency" },
        };
    }

    [Theory]
    [MemberData(nameof(BadPaymentBodies))]
    public async Task A_bad_payment_body_is_refused_with_400_naming_the_field(string why, string body, string field)
    {
        Assert.NotEmpty(why);
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(WebhookTestKit.SignedPayment(body));

        await WebhookTestKit.AssertBadFieldAsync(response, field);
    }

    [Fact]
    public async Task Every_bad_field_is_listed_and_no_contact_value_is_repeated()
    {
        const string body = "{\"type\":\"order.created\",\"timestamp\":\"2026-01-05T12:00:00Z\",\"data\":{\"orderId\":\"o-1\",\"merchantId\":\"m-1\"," +
            "\"buyer\":{\"id\":\"b-1\",\"phone\":\"13912345678\",\"email\":\"secret.buyer@\",\"timeZone\":\"Nowhere/City\"},\"amount\":{\"value\":\"x\",\"currency\":\"cny\"}}}";
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(WebhookTestKit.SignedOrder(body));

        var problem = await WebhookTestKit.AssertBadFieldAsync(response, "data.buyer.phone");
        var fields = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "data.buyer.phone", "data.buyer.email", "data.buyer.timeZone", "data.amount.value", "data.amount.currency" }, fields);
        var text = problem.GetRawText();
        Assert.DoesNotContain("13912345678", text);
        Assert.DoesNotContain("secret.buyer", text);
    }

    [Theory]
    [InlineData("order.created", "0001-01-01T00:00:00Z")]
    [InlineData("order.created", "1600-12-31T23:59:59Z")]
    [InlineData("order.created", "9999-12-31T23:59:59Z")]
    [InlineData("order.delivered", "9999-12-31T00:00:00Z")]
    [InlineData("order.delivered", "0001-01-01T00:00:00Z")]
    [InlineData("payLater", "0001-01-01T00:00:00Z")]
    [InlineData("payLater", "9999-12-31T23:59:59Z")]
    public async Task Timestamps_at_the_ends_of_the_calendar_are_refused_naming_the_field(string what, string timestamp)
    {
        var orderId = ReminderAppFactory.NewOrderId();
        var body = what switch
        {
            "payLater" => SignedWebhook.OrderCreated(orderId)[..^2] + ",\"payLater\":{\"dueAt\":\"" + timestamp + "\"}}}",
            "order.created" => SignedWebhook.OrderCreated(orderId).Replace("\"timestamp\":\"", "\"timestamp\":\"" + timestamp + "\",\"x\":\"", StringComparison.Ordinal),
            _ => "{\"type\":\"" + what + "\",\"timestamp\":\"" + timestamp + "\",\"data\":{\"orderId\":\"" + orderId + "\"}}",
        };
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(WebhookTestKit.SignedOrder(body));

        await WebhookTestKit.AssertBadFieldAsync(response, what == "payLater" ? "data.payLater.dueAt" : "timestamp");
    }

    [Fact]
    public async Task A_webhook_id_over_256_characters_is_refused_naming_it()
    {
        var body = Encoding.UTF8.GetBytes(SignedWebhook.OrderCreated(ReminderAppFactory.NewOrderId()));
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(
            WebhookTestKit.SignedBytes("orders", body, ReminderAppFactory.OrdersSecret, webhookId: "msg_" + new string('x', 253)));

        await WebhookTestKit.AssertBadFieldAsync(response, "webhook-id");
    }

    [Fact]
    public async Task An_unknown_event_type_is_acknowledged_and_shown_as_ignored_on_the_order()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.OrderCreated(orderId)));
        var before = await WebhookTestKit.GetOrderAsync(_app, orderId);

        using var response = await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.Event("order.address_changed", orderId)));

        Assert.Contains("ignored", await response.Content.ReadAsStringAsync());
        var after = await WebhookTestKit.GetOrderAsync(_app, orderId);
        var ignored = Assert.Single(WebhookTestKit.Timeline(after, "event_ignored"));
        Assert.Equal("order.address_changed", ignored.GetProperty("eventType").GetString());
        Assert.NotEqual(default, ignored.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(before.GetProperty("state").GetString(), after.GetProperty("state").GetString());
        Assert.Equal(before.GetProperty("reminders").GetRawText(), after.GetProperty("reminders").GetRawText());
    }

    [Fact]
    public async Task An_unknown_event_type_without_an_order_is_acknowledged_and_replays_are_too()
    {
        using var client = _app.CreateClient();
        const string body = "{\"type\":\"merchant.onboarded\",\"timestamp\":\"2026-01-05T12:00:00Z\",\"data\":{\"merchant\":\"m-1\"}}";
        var id = "msg_" + Guid.NewGuid().ToString("N");

        using var first = await client.SendAsync(WebhookTestKit.SignedPayment(body, id));
        using var replay = await client.SendAsync(WebhookTestKit.SignedPayment(body, id));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
    }

    [Fact]
    public async Task An_unknown_type_with_an_invalid_order_id_is_still_a_400()
    {
        using var client = _app.CreateClient();

        using var response = await client.SendAsync(WebhookTestKit.SignedOrder(SignedWebhook.Event("order.address_changed", "bad/id")));

        await WebhookTestKit.AssertBadFieldAsync(response, "data.orderId");
    }

    /// <summary>A JSON body that never ends by itself, written in small chunks with no Content-Length.</summary>
    internal sealed class EndlessJsonContent : HttpContent
    {
        private readonly long _totalBytes;
        private long _produced;

        public EndlessJsonContent(long totalBytes)
        {
            _totalBytes = totalBytes;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        public long BytesProduced => Interlocked.Read(ref _produced);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = Encoding.ASCII.GetBytes(new string(' ', 4096));
            await stream.WriteAsync("{\"type\":\"order.created\",\"pad\":\""u8.ToArray());
            while (BytesProduced < _totalBytes)
            {
                await stream.WriteAsync(chunk);
                Interlocked.Add(ref _produced, chunk.Length);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
