using System.Text;
using System.Text.Json.Nodes;
using Reminders.Core.Orders;

namespace Reminders.Core.Tests.Orders;

public sealed class OrderEventParserTests
{
    private const string WebhookId = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";

    private static JsonObject ValidBody(string type) => type switch
    {
        "order.created" => new JsonObject
        {
            ["type"] = type,
            ["timestamp"] = "2026-01-05T20:00:00+08:00",
            ["data"] = new JsonObject
            {
                ["orderId"] = "ord_1001",
                ["merchantId"] = "merchant_1",
                ["buyer"] = new JsonObject
                {
                    ["id"] = "buyer_1",
                    ["phone"] = "+8613800138000",
                    ["email"] = "li.lei@example.com",
                    ["pushToken"] = "fcm:APA91bH-token_123",
                    ["locale"] = "zh-CN",
                    ["timeZone"] = "Asia/Shanghai",
                },
                ["amount"] = new JsonObject { ["value"] = "199.00", ["currency"] = "CNY" },
                ["payLater"] = new JsonObject { ["dueAt"] = "2026-02-05T00:00:00Z" },
            },
        },
        "payment.failed" => new JsonObject
        {
            ["type"] = type,
            ["timestamp"] = "2026-01-05T12:05:00Z",
            ["data"] = new JsonObject
            {
                ["orderId"] = "ord_1001",
                ["paymentId"] = "pay_77",
                ["reason"] = "insufficient_funds",
                ["retryUrl"] = "https://pay.example.com/retry/ord_1001",
            },
        },
        _ => new JsonObject
        {
            ["type"] = type,
            ["timestamp"] = "2026-01-05T12:05:00Z",
            ["data"] = new JsonObject { ["orderId"] = "ord_1001", ["refundId"] = "rf_1", ["amount"] = new JsonObject { ["value"] = "10.5", ["currency"] = "USD" } },
        },
    };

    private static WebhookSource SourceOf(string type) =>
        type.StartsWith("order.", StringComparison.Ordinal) ? WebhookSource.Orders : WebhookSource.Payments;

    private static OrderEventParseResult Parse(JsonNode body, WebhookSource source, string? webhookId = WebhookId) =>
        OrderEventParser.Parse(Encoding.UTF8.GetBytes(body.ToJsonString()), webhookId, source);

    private static OrderEventParseResult ParseRaw(string body, WebhookSource source = WebhookSource.Orders) =>
        OrderEventParser.Parse(Encoding.UTF8.GetBytes(body), WebhookId, source);

    /// <summary>Sets (or with a null JSON text, removes) the value at a dotted path.</summary>
    private static JsonObject With(JsonObject body, string path, string? json)
    {
        var parts = path.Split('.');
        var parent = body;
        foreach (var part in parts[..^1]) parent = (JsonObject)parent[part]!;
        if (json is null) parent.Remove(parts[^1]);
        else parent[parts[^1]] = JsonNode.Parse(json);
        return body;
    }

    public static TheoryData<string, string, string?, string> InvalidFields => new()
    {
        // type, path to change, new JSON value (null removes it), field named in the error
        { "order.created", "type", null, "type" },
        { "order.created", "type", "5", "type" },
        { "order.created", "type", "\"\"", "type" },
        { "order.created", "timestamp", null, "timestamp" },
        { "order.created", "timestamp", "\"2026-01-05T12:00:00\"", "timestamp" },
        { "order.created", "timestamp", "\"2026-01-05\"", "timestamp" },
        { "order.created", "timestamp", "\"2026-02-30T12:00:00Z\"", "timestamp" },
        { "order.created", "timestamp", "1767614400", "timestamp" },
        { "order.created", "data", null, "data" },
        { "order.created", "data", "\"ord_1001\"", "data" },
        { "order.created", "data.orderId", null, "data.orderId" },
        { "order.created", "data.orderId", "\"\"", "data.orderId" },
        { "order.created", "data.orderId", "\"ord/1001\"", "data.orderId" },
        { "order.created", "data.orderId", "\"" + new string('a', 65) + "\"", "data.orderId" },
        { "order.created", "data.orderId", "1001", "data.orderId" },
        { "order.created", "data.merchantId", null, "data.merchantId" },
        { "order.created", "data.merchantId", "\"merchant 1\"", "data.merchantId" },
        { "order.created", "data.buyer", null, "data.buyer" },
        { "order.created", "data.buyer", "[]", "data.buyer" },
        { "order.created", "data.buyer.id", null, "data.buyer.id" },
        { "order.created", "data.buyer.id", "42", "data.buyer.id" },
        { "order.created", "data.buyer.phone", "\"13800138000\"", "data.buyer.phone" },
        { "order.created", "data.buyer.phone", "\"+0138001380\"", "data.buyer.phone" },
        { "order.created", "data.buyer.phone", "\"+86 138 0013 8000\"", "data.buyer.phone" },
        { "order.created", "data.buyer.phone", "\"+1234567890123456\"", "data.buyer.phone" },
        { "order.created", "data.buyer.phone", "8613800138000", "data.buyer.phone" },
        { "order.created", "data.buyer.email", "\"not-an-email\"", "data.buyer.email" },
        { "order.created", "data.buyer.email", "\"li@localhost\"", "data.buyer.email" },
        { "order.created", "data.buyer.email", "\"Li <li@example.com>\"", "data.buyer.email" },
        { "order.created", "data.buyer.email", "\"" + new string('a', 60) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 4)) + ".com\"", "data.buyer.email" },
        { "order.created", "data.buyer.pushToken", "\"has space\"", "data.buyer.pushToken" },
        { "order.created", "data.buyer.pushToken", "\"" + new string('t', 4097) + "\"", "data.buyer.pushToken" },
        { "order.created", "data.buyer.pushToken", "true", "data.buyer.pushToken" },
        { "order.created", "data.buyer.locale", "\"zh_CN\"", "data.buyer.locale" },
        { "order.created", "data.buyer.locale", "\"c\"", "data.buyer.locale" },
        { "order.created", "data.buyer.timeZone", "\"Mars/Olympus_Mons\"", "data.buyer.timeZone" },
        { "order.created", "data.buyer.timeZone", "\"../../etc/passwd\"", "data.buyer.timeZone" },
        { "order.created", "data.buyer.timeZone", "\"China Standard Time\"", "data.buyer.timeZone" },
        { "order.created", "data.amount", "\"199.00\"", "data.amount" },
        { "order.created", "data.amount.value", null, "data.amount.value" },
        { "order.created", "data.amount.value", "199.00", "data.amount.value" },
        { "order.created", "data.amount.value", "\"-1.00\"", "data.amount.value" },
        { "order.created", "data.amount.value", "\"1.23456\"", "data.amount.value" },
        { "order.created", "data.amount.value", "\"1e3\"", "data.amount.value" },
        { "order.created", "data.amount.value", "\"\"", "data.amount.value" },
        { "order.created", "data.amount.value", "\"1,000.00\"", "data.amount.value" },
        { "order.created", "data.amount.value", "\"1234567890123456789\"", "data.amount.value" },
        { "order.created", "data.amount.value", "\"123456789012345.6789\"", "data.amount.value" },
        { "order.created", "data.amount.currency", null, "data.amount.currency" },
        { "order.created", "data.amount.currency", "\"cny\"", "data.amount.currency" },
        { "order.created", "data.amount.currency", "\"XYZ\"", "data.amount.currency" },
        { "order.created", "data.amount.currency", "\"XAU\"", "data.amount.currency" },
        { "order.created", "data.amount.currency", "156", "data.amount.currency" },
        { "order.created", "data.payLater", "true", "data.payLater" },
        { "order.created", "data.payLater.dueAt", null, "data.payLater.dueAt" },
        { "order.created", "data.payLater.dueAt", "\"next week\"", "data.payLater.dueAt" },
        { "order.created", "data.paymentId", "\"pay 77\"", "data.paymentId" },
        { "payment.failed", "data.reason", null, "data.reason" },
        { "payment.failed", "data.reason", "\"\"", "data.reason" },
        { "payment.failed", "data.reason", "\"" + new string('r', 201) + "\"", "data.reason" },
        { "payment.failed", "data.reason", "\"line\\nbreak\"", "data.reason" },
        { "payment.failed", "data.reason", "51", "data.reason" },
        { "payment.failed", "data.retryUrl", "\"http://pay.example.com/retry\"", "data.retryUrl" },
        { "payment.failed", "data.retryUrl", "\"/retry/ord_1001\"", "data.retryUrl" },
        { "payment.failed", "data.retryUrl", "\"javascript:alert(1)\"", "data.retryUrl" },
        { "payment.failed", "data.retryUrl", "\"https://user:pw@pay.example.com/retry\"", "data.retryUrl" },
        { "payment.failed", "data.retryUrl", "\"https://user@pay.example.com/retry\"", "data.retryUrl" },
        { "payment.failed", "data.orderId", null, "data.orderId" },
        { "refund.requested", "data.refundId", "\"rf 1\"", "data.refundId" },
        { "refund.completed", "data.amount.value", "\"ten\"", "data.amount.value" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public void A_bad_field_is_an_error_naming_that_field(string type, string path, string? json, string field)
    {
        var body = With(ValidBody(type), path, json);

        var result = Parse(body, SourceOf(type));

        var invalid = Assert.IsType<OrderEventParseResult.Invalid>(result);
        Assert.Contains(invalid.Errors, e => e.Field == field);
        Assert.All(invalid.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Fact]
    public void A_valid_order_created_carries_every_field()
    {
        var result = Parse(ValidBody("order.created"), WebhookSource.Orders);

        var e = Assert.IsType<OrderEventParseResult.Accepted>(result).Event;
        Assert.Equal(WebhookId, e.EventId);
        Assert.Equal(OrderEventType.OrderCreated, e.Type);
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero), e.OccurredAt);
        Assert.Equal(TimeSpan.FromHours(8), e.OccurredAt.Offset);
        Assert.Equal("ord_1001", e.OrderId);
        Assert.Equal("merchant_1", e.MerchantId);
        Assert.Equal(
            new BuyerDetails("buyer_1")
            {
                Phone = "+8613800138000", Email = "li.lei@example.com", PushToken = "fcm:APA91bH-token_123",
                Locale = "zh-CN", TimeZone = "Asia/Shanghai",
            },
            e.Buyer);
        Assert.Equal(new Money(199.00m, "CNY"), e.Amount);
        Assert.Equal("199.00", e.Amount!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new DateTimeOffset(2026, 2, 5, 0, 0, 0, TimeSpan.Zero), e.PayLaterDueAt);
    }

    [Fact]
    public void A_valid_payment_failed_carries_reason_retry_url_and_payment_id()
    {
        var e = Assert.IsType<OrderEventParseResult.Accepted>(Parse(ValidBody("payment.failed"), WebhookSource.Payments)).Event;

        Assert.Equal(OrderEventType.PaymentFailed, e.Type);
        Assert.Equal(PaymentFailureReasons.InsufficientFunds, e.FailureReason);
        Assert.True(PaymentFailureReasons.IsKnownCode(e.FailureReason));
        Assert.Equal("https://pay.example.com/retry/ord_1001", e.RetryUrl);
        Assert.Equal("pay_77", e.PaymentId);
    }

    [Fact]
    public void A_free_text_failure_reason_is_accepted()
    {
        var body = With(ValidBody("payment.failed"), "data.reason", "\"银行卡已冻结 (card frozen by the bank)\"");

        var e = Assert.IsType<OrderEventParseResult.Accepted>(Parse(body, WebhookSource.Payments)).Event;

        Assert.Equal("银行卡已冻结 (card frozen by the bank)", e.FailureReason);
        Assert.False(PaymentFailureReasons.IsKnownCode(e.FailureReason));
    }

    [Fact]
    public void A_refund_event_carries_refund_id_and_amount()
    {
        var e = Assert.IsType<OrderEventParseResult.Accepted>(Parse(ValidBody("refund.requested"), WebhookSource.Payments)).Event;

        Assert.Equal("rf_1", e.RefundId);
        Assert.Equal(new Money(10.5m, "USD"), e.Amount);
    }

    [Theory]
    [InlineData("order.shipped")]
    [InlineData("order.delivered")]
    [InlineData("order.receipt_confirmed")]
    [InlineData("order.cancelled")]
    [InlineData("payment.succeeded")]
    [InlineData("refund.completed")]
    [InlineData("refund.failed")]
    [InlineData("settlement.completed")]
    public void Only_order_id_is_required_after_creation(string type)
    {
        var body = new JsonObject { ["type"] = type, ["timestamp"] = "2026-01-05T12:00:00Z", ["data"] = new JsonObject { ["orderId"] = "ord_1001" } };

        var e = Assert.IsType<OrderEventParseResult.Accepted>(Parse(body, SourceOf(type))).Event;

        Assert.True(OrderEventTypes.TryParse(type, out var expected));
        Assert.Equal(expected, e.Type);
        Assert.Null(e.MerchantId);
        Assert.Null(e.Buyer);
    }

    [Fact]
    public void A_buyer_on_a_later_event_is_checked_like_on_creation()
    {
        var body = new JsonObject
        {
            ["type"] = "order.shipped",
            ["timestamp"] = "2026-01-05T12:00:00Z",
            ["data"] = new JsonObject { ["orderId"] = "ord_1001", ["buyer"] = new JsonObject { ["id"] = "buyer_1" } },
        };

        var invalid = Assert.IsType<OrderEventParseResult.Invalid>(Parse(body, WebhookSource.Orders));

        Assert.Equal("data.buyer", Assert.Single(invalid.Errors).Field);
    }

    [Fact]
    public void A_buyer_without_any_contact_is_an_error_on_buyer()
    {
        var body = ValidBody("order.created");
        With(body, "data.buyer.phone", null);
        With(body, "data.buyer.email", null);
        With(body, "data.buyer.pushToken", "null");

        var invalid = Assert.IsType<OrderEventParseResult.Invalid>(Parse(body, WebhookSource.Orders));

        Assert.Equal("data.buyer", Assert.Single(invalid.Errors).Field);
    }

    [Theory]
    [InlineData("order.created", WebhookSource.Payments)]
    [InlineData("order.cancelled", WebhookSource.Payments)]
    [InlineData("payment.succeeded", WebhookSource.Orders)]
    [InlineData("settlement.completed", WebhookSource.Orders)]
    public void A_known_type_on_the_other_endpoint_is_an_error_on_type(string type, WebhookSource source)
    {
        var body = type == "order.created" ? ValidBody(type) : new JsonObject
        {
            ["type"] = type, ["timestamp"] = "2026-01-05T12:00:00Z", ["data"] = new JsonObject { ["orderId"] = "ord_1001" },
        };

        var invalid = Assert.IsType<OrderEventParseResult.Invalid>(Parse(body, source));

        Assert.Equal("type", Assert.Single(invalid.Errors).Field);
    }

    [Theory]
    [InlineData("{not json", "body")]
    [InlineData("", "body")]
    [InlineData("[]", "body")]
    [InlineData("\"order.created\"", "body")]
    [InlineData("""{"type":"order.shipped","type":"order.cancelled","timestamp":"2026-01-05T12:00:00Z","data":{"orderId":"o1"}}""", "body")]
    public void A_body_that_is_not_a_json_object_is_an_error_on_body(string body, string field)
    {
        var invalid = Assert.IsType<OrderEventParseResult.Invalid>(ParseRaw(body));

        Assert.Contains(invalid.Errors, e => e.Field == field);
    }

    [Fact]
    public void A_body_with_a_byte_order_mark_is_accepted()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(ValidBody("order.created").ToJsonString())];

        Assert.IsType<OrderEventParseResult.Accepted>(OrderEventParser.Parse(body, WebhookId, WebhookSource.Orders));
    }

    [Fact]
    public void Invalid_utf8_is_an_error_on_body()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("""{"type":"order.shipped","timestamp":"2026-01-05T12:00:00Z","data":{"orderId":"o"""), 0xC3, 0x28, .. "\"}}"u8];

        var invalid = Assert.IsType<OrderEventParseResult.Invalid>(OrderEventParser.Parse(body, WebhookId, WebhookSource.Orders));

        Assert.Equal("body", Assert.Single(invalid.Errors).Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("msg with space")]
    public void A_missing_or_bad_webhook_id_is_an_error_on_the_header(string? webhookId)
    {
        var invalid = Assert.IsType<OrderEventParseResult.Invalid>(Parse(ValidBody("order.created"), WebhookSource.Orders, webhookId));

        Assert.Equal("webhook-id", Assert.Single(invalid.Errors).Field);
    }

    [Fact]
    public void Every_bad_field_is_reported_at_once()
    {
        var body = ValidBody("order.created");
        With(body, "timestamp", "\"yesterday\"");
        With(body, "data.buyer.phone", "\"12345\"");
        With(body, "data.amount.currency", "\"RMB\"");

        var invalid = Assert.IsType<OrderEventParseResult.Invalid>(Parse(body, WebhookSource.Orders));

        Assert.Equal(["timestamp", "data.buyer.phone", "data.amount.currency"], invalid.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Error_messages_do_not_repeat_contact_details()
    {
        var body = ValidBody("order.created");
        With(body, "data.buyer.phone", "\"13912345678\"");
        With(body, "data.buyer.email", "\"wang.fang@@example.com\"");
        With(body, "data.buyer.pushToken", "\"secret token\"");

        var invalid = Assert.IsType<OrderEventParseResult.Invalid>(Parse(body, WebhookSource.Orders));

        Assert.Equal(3, invalid.Errors.Count);
        Assert.All(invalid.Errors, e =>
        {
            Assert.DoesNotContain("13912345678", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("wang.fang", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void An_unknown_type_in_a_valid_envelope_is_ignored()
    {
        var body = new JsonObject { ["type"] = "order.address_changed", ["timestamp"] = "2026-01-05T12:00:00Z", ["data"] = new JsonObject { ["orderId"] = "ord_1001", ["anything"] = 1 } };

        var ignored = Assert.IsType<OrderEventParseResult.Ignored>(Parse(body, WebhookSource.Orders));

        Assert.Equal(new OrderEventParseResult.Ignored(WebhookId, "order.address_changed", new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero), "ord_1001"), ignored);
    }

    [Fact]
    public void An_unknown_type_without_an_order_id_is_ignored_without_one()
    {
        var body = new JsonObject { ["type"] = "merchant.updated", ["timestamp"] = "2026-01-05T12:00:00Z", ["data"] = new JsonObject() };

        var ignored = Assert.IsType<OrderEventParseResult.Ignored>(Parse(body, WebhookSource.Payments));

        Assert.Null(ignored.OrderId);
    }

    [Theory]
    [InlineData("timestamp", "\"soon\"", "timestamp")]
    [InlineData("data", "3", "data")]
    [InlineData("data.orderId", "\"bad id\"", "data.orderId")]
    public void An_unknown_type_in_a_bad_envelope_is_invalid(string path, string json, string field)
    {
        var body = new JsonObject { ["type"] = "payment.pending", ["timestamp"] = "2026-01-05T12:00:00Z", ["data"] = new JsonObject { ["orderId"] = "ord_1001" } };
        With(body, path, json);

        var invalid = Assert.IsType<OrderEventParseResult.Invalid>(Parse(body, WebhookSource.Payments));

        Assert.Equal(field, Assert.Single(invalid.Errors).Field);
    }

    [Theory]
    [InlineData("2026-01-05T12:00:00Z")]
    [InlineData("2026-01-05T12:00:00z")]
    [InlineData("2026-01-05T20:00:00+08:00")]
    [InlineData("2026-01-05T07:00:00-05:00")]
    [InlineData("2026-01-05T12:00:00.000Z")]
    [InlineData("2026-01-05T12:00:00.123456789Z")]
    public void Timestamps_with_any_offset_and_fraction_are_accepted(string timestamp)
    {
        Assert.True(OrderEventParser.TryParseTimestamp(timestamp, out var parsed));
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero), parsed.AddTicks(-(parsed.UtcTicks % TimeSpan.TicksPerSecond)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.5")]
    [InlineData("199.00")]
    [InlineData("12345678901234.5678")]
    [InlineData("999999999999999999")]
    public void Amounts_up_to_18_digits_and_4_decimals_are_accepted(string value)
    {
        var body = With(ValidBody("order.created"), "data.amount.value", $"\"{value}\"");

        var e = Assert.IsType<OrderEventParseResult.Accepted>(Parse(body, WebhookSource.Orders)).Event;

        Assert.Equal(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), e.Amount!.Value);
    }

    [Fact]
    public void Null_optional_fields_and_unknown_fields_are_treated_as_absent()
    {
        var body = ValidBody("order.created");
        With(body, "data.buyer.email", "null");
        With(body, "data.amount", "null");
        With(body, "data.payLater", "null");
        With(body, "data.channelHint", "\"sms\"");

        var e = Assert.IsType<OrderEventParseResult.Accepted>(Parse(body, WebhookSource.Orders)).Event;

        Assert.Null(e.Buyer!.Email);
        Assert.Null(e.Amount);
        Assert.Null(e.PayLaterDueAt);
    }

    [Fact]
    public void Event_type_wire_names_round_trip()
    {
        Assert.Equal(11, OrderEventTypes.Values.Count);
        foreach (var type in OrderEventTypes.Values)
        {
            Assert.True(OrderEventTypes.TryParse(type.ToWire(), out var back));
            Assert.Equal(type, back);
        }
        Assert.False(OrderEventTypes.TryParse("Order.Created", out _));
    }

    [Fact]
    public void Buyer_details_print_masked()
    {
        var text = TestEvents.Buyer("+8613912345678").ToString();

        Assert.DoesNotContain("+8613912345678", text, StringComparison.Ordinal);
        Assert.DoesNotContain("li.lei@", text, StringComparison.Ordinal);
    }
}
