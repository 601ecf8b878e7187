using System.Text;
using System.Text.Json.Nodes;
using Reminders.App.Tests.Support;
using Reminders.Core.Webhooks;
using Xunit.Abstractions;

namespace Reminders.App.Tests.Webhooks;

/// <summary>
/// Whatever a client sends, the answer is never 5xx. Inputs come from a fixed seed, so a failure names the input and
/// reproduces.
/// </summary>
public sealed class WebhookFuzzTests : IClassFixture<ReminderAppFactoryFixture>
{
    private const int Seed = 20260105;

    private static readonly string[] Types =
    [
        "order.created", "order.shipped", "order.delivered", "order.receipt_confirmed", "order.cancelled",
        "payment.succeeded", "payment.failed", "refund.requested", "refund.completed", "refund.failed",
        "settlement.completed", "order.unknown", "", " ", "ORDER.CREATED",
    ];

    private static readonly string[] Timestamps =
    [
        "2026-01-05T12:00:00Z", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59-14:00", "1601-01-01T00:00:00Z", "1600-12-31T23:59:59Z", "2026-02-30T00:00:00Z",
        "2026-01-05T24:00:00Z", "2026-01-05T12:00:00.1234567891Z", "2026-01-05T12:00:00+99:99", "1970-01-01T00:00:00Z",
        "2200-01-01T00:00:00Z", "now", "",
    ];

    private static readonly string[] Strings =
    [
        "", " ", "\u0000", "\uFFFF", "\uD800", "null", "true", "+8613800138000", "+1", "+999999999999999", "a@b.co",
        "Asia/Shanghai", "Etc/GMT+14", "UTC", "Mars/Base", "zh-CN", "en", "CNY", "JPY", "XXX", "USD", "199.00", "0",
        "0.0001", "999999999999999999", "99999999999999.9999", "1e9", "-0", "１２３", "https://pay.example.com/x",
        "javascript:alert(1)", "insufficient_funds", new string('x', 300), new string('9', 40), "o/../../x", "'; drop table",
        "{orderId}", "{orderId}", "{orderId}",
    ];

    private static readonly string[] RawNumbers =
    [
        "0", "-1", "1e999999", "-1e999999", "123456789012345678901234567890123456789", "1.7976931348623157e309",
        "4.9e-325", "18446744073709551616", "-0.0",
    ];

    private readonly ReminderAppFactory _app;
    private readonly ITestOutputHelper _output;

    public WebhookFuzzTests(ReminderAppFactoryFixture fixture, ITestOutputHelper output)
    {
        _app = fixture.App;
        _output = output;
    }

    [Fact]
    public async Task No_input_is_answered_with_a_server_error()
    {
        var random = new Random(Seed);
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        using var client = _app.CreateClient();

        for (var i = 0; i < 400; i++)
        {
            var (endpoint, body, contentType, signed, label) = (i % 8) switch
            {
                0 => RandomBytes(random),
                1 => RandomJson(random),
                2 or 3 or 4 or 5 => MutatedEvent(random),
                6 => Nested(random),
                _ => HugeNumbers(random),
            };
            await SendAsync(client, endpoint, body, contentType, signed, null, label, failures, statuses);
        }
        foreach (var (headers, label) in OddHeaders())
        {
            var body = Encoding.UTF8.GetBytes(SignedWebhook.OrderCreated(ReminderAppFactory.NewOrderId()));
            await SendAsync(client, "orders", body, "application/json", signed: true, headers, label, failures, statuses);
        }

        _output.WriteLine(string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // The inputs reach every stage: refused unsigned, refused as invalid, and stored.
        Assert.True(statuses.GetValueOrDefault(200) >= 20 && statuses.GetValueOrDefault(400) >= 50 && statuses.GetValueOrDefault(401) > 0,
            "the inputs did not reach every stage: " + string.Join(", ", statuses));
    }

    private static async Task SendAsync(
        HttpClient client, string endpoint, byte[] body, string? contentType, bool signed,
        Action<HttpRequestMessage>? headers, string label, List<string> failures, Dictionary<int, int> statuses)
    {
        var secret = endpoint == "orders" ? ReminderAppFactory.OrdersSecret : ReminderAppFactory.PaymentsSecret;
        var request = signed
            ? WebhookTestKit.SignedBytes(endpoint, body, secret, contentType)
            : WebhookTestKit.Raw(endpoint, WithType(new ByteArrayContent(body), contentType));
        headers?.Invoke(request);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException)
        {
            // The in-process server rethrows what escaped the app's pipeline: that is a server error too.
            failures.Add($"{label}: {e.GetType().Name}: {e.Message}");
            return;
        }
        using var _ = response;
        statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
        if ((int)response.StatusCode >= 500)
        {
            var shown = body.Length > 300 ? Encoding.UTF8.GetString(body, 0, 300) + "..." : Encoding.UTF8.GetString(body);
            failures.Add($"{label}: {(int)response.StatusCode} for {endpoint} {shown} -> {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static ByteArrayContent WithType(ByteArrayContent content, string? contentType)
    {
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static string Endpoint(Random random) => random.Next(2) == 0 ? "orders" : "payments";

    private static (string, byte[], string?, bool, string) RandomBytes(Random random)
    {
        var body = new byte[random.Next(0, 2048)];
        random.NextBytes(body);
        string?[] types = ["application/json", "application/json; charset=utf-16", "text/plain", null, "application/json; charset=\"", "*/*", "application/+json"];
        return (Endpoint(random), body, types[random.Next(types.Length)], random.Next(4) != 0, "random bytes");
    }

    private static (string, byte[], string?, bool, string) RandomJson(Random random)
    {
        var node = RandomNode(random, depth: 0);
        return (Endpoint(random), Encoding.UTF8.GetBytes(node?.ToJsonString() ?? "null"), "application/json", true, "random JSON");
    }

    /// <summary>A valid event of a random type with one to three values replaced by random ones: reaches deep paths.</summary>
    private static (string, byte[], string?, bool, string) MutatedEvent(Random random)
    {
        var orderId = ReminderAppFactory.NewOrderId();
        var type = Types[random.Next(11)];
        var root = JsonNode.Parse(SignedWebhook.OrderCreated(orderId, pushToken: "tok-123456"))!.AsObject();
        root["type"] = type;
        var data = root["data"]!.AsObject();
        data["payLater"] = new JsonObject { ["dueAt"] = "2026-03-01T00:00:00+08:00" };
        data["paymentId"] = "p-1";
        data["refundId"] = "r-1";
        data["reason"] = "card_declined";
        data["retryUrl"] = "https://pay.example.com/retry";
        var paths = new List<(JsonObject Parent, string Name)>();
        Collect(root, paths);
        var mutations = random.Next(10) < 7 ? 1 : random.Next(2, 4);
        for (var m = 0; m < mutations; m++)
        {
            var (parent, name) = paths[random.Next(paths.Count)];
            parent[name] = random.Next(5) switch
            {
                0 => null,
                1 => RandomNode(random, depth: 2),
                2 => name is "timestamp" or "dueAt" ? Timestamps[random.Next(Timestamps.Length)] : Strings[random.Next(Strings.Length)].Replace("{orderId}", orderId, StringComparison.Ordinal),
                3 => Timestamps[random.Next(Timestamps.Length)],
                _ => JsonNode.Parse(RawNumbers[random.Next(RawNumbers.Length)]),
            };
        }
        var endpoint = type.StartsWith("order.", StringComparison.Ordinal) ? "orders" : "payments";
        if (random.Next(10) == 0) endpoint = Endpoint(random);
        return (endpoint, Encoding.UTF8.GetBytes(root.ToJsonString()), "application/json", true, "mutated " + type);
    }

    private static void Collect(JsonObject node, List<(JsonObject, string)> paths)
    {
        foreach (var (name, value) in node.ToList())
        {
            paths.Add((node, name));
            if (value is JsonObject child) Collect(child, paths);
        }
    }

    private static (string, byte[], string?, bool, string) Nested(Random random)
    {
        var depth = random.Next(17, 20000);
        var open = random.Next(2) == 0 ? "[" : "{\"a\":";
        var close = open == "[" ? "]" : "}";
        var inner = new StringBuilder().Insert(0, open, depth).Append('1').Insert(depth * open.Length + 1, close, depth).ToString();
        var body = random.Next(2) == 0
            ? inner
            : "{\"type\":\"order.shipped\",\"timestamp\":\"2026-01-05T12:00:00Z\",\"data\":{\"orderId\":\"" + ReminderAppFactory.NewOrderId() + "\",\"x\":" + inner + "}}";
        var bytes = Encoding.UTF8.GetBytes(body);
        return (Endpoint(random), bytes.Length > 65536 ? bytes[..65536] : bytes, "application/json", true, $"nested {depth}");
    }

    private static (string, byte[], string?, bool, string) HugeNumbers(Random random)
    {
        var number = RawNumbers[random.Next(RawNumbers.Length)];
        var orderId = ReminderAppFactory.NewOrderId();
        string[] bodies =
        [
            "{\"type\":\"order.shipped\",\"timestamp\":\"2026-01-05T12:00:00Z\",\"data\":{\"orderId\":" + number + "}}",
            "{\"type\":\"order.created\",\"timestamp\":" + number + ",\"data\":{\"orderId\":\"" + orderId + "\"}}",
            "{\"type\":\"payment.succeeded\",\"timestamp\":\"2026-01-05T12:00:00Z\",\"data\":{\"orderId\":\"" + orderId + "\",\"amount\":{\"value\":" + number + ",\"currency\":\"CNY\"}}}",
            "{\"type\":\"payment.succeeded\",\"timestamp\":\"2026-01-05T12:00:00Z\",\"data\":{\"orderId\":\"" + orderId + "\",\"amount\":{\"value\":\"" + number + "\",\"currency\":\"CNY\"}}}",
            number,
        ];
        return ("payments", Encoding.UTF8.GetBytes(bodies[random.Next(bodies.Length)]), "application/json", true, "huge number " + number);
    }

    private static JsonNode? RandomNode(Random random, int depth)
    {
        switch (random.Next(depth > 4 ? 4 : 6))
        {
            case 0: return null;
            case 1: return JsonValue.Create(random.Next(2) == 0);
            case 2: return JsonValue.Create(Strings[random.Next(Strings.Length)].Replace("{orderId}", ReminderAppFactory.NewOrderId(), StringComparison.Ordinal));
            case 3: return JsonNode.Parse(RawNumbers[random.Next(RawNumbers.Length)]);
            case 4:
            {
                var array = new JsonArray();
                for (var i = random.Next(4); i > 0; i--) array.Add(RandomNode(random, depth + 1));
                return array;
            }
            default:
            {
                string[] names = ["type", "timestamp", "data", "orderId", "merchantId", "buyer", "id", "phone", "email", "timeZone", "amount", "value", "currency", "payLater", "dueAt", "reason"];
                var obj = new JsonObject();
                for (var i = random.Next(5); i > 0; i--) obj[names[random.Next(names.Length)]] = RandomNode(random, depth + 1);
                if (depth == 0 && random.Next(2) == 0) obj["type"] = Types[random.Next(Types.Length)];
                if (depth == 0 && random.Next(2) == 0) obj["timestamp"] = Timestamps[random.Next(Timestamps.Length)];
                return obj;
            }
        }
    }

    private static IEnumerable<(Action<HttpRequestMessage>, string)> OddHeaders()
    {
        static void Set(HttpRequestMessage r, string name, params string[] values)
        {
            r.Headers.Remove(name);
            foreach (var v in values) r.Headers.TryAddWithoutValidation(name, v);
        }
        yield return (r => Set(r, StandardWebhook.IdHeader, "a", "b"), "two webhook-ids");
        yield return (r => Set(r, StandardWebhook.TimestampHeader, "1", "2"), "two timestamps");
        yield return (r => Set(r, StandardWebhook.TimestampHeader, long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)), "max timestamp");
        yield return (r => Set(r, StandardWebhook.TimestampHeader, "0"), "zero timestamp");
        yield return (r => Set(r, StandardWebhook.TimestampHeader, " 1700000000 "), "padded timestamp");
        yield return (r => Set(r, StandardWebhook.SignatureHeader, string.Join(' ', Enumerable.Repeat("v1,AAAA", 2000))), "2000 signatures");
        yield return (r => Set(r, StandardWebhook.SignatureHeader, "v1," + Convert.ToBase64String(new byte[4096])), "long signature");
        yield return (r => Set(r, StandardWebhook.SignatureHeader, ",,,, v1,,, ,v1"), "commas");
        yield return (r => Set(r, StandardWebhook.IdHeader, new string('i', 8000)), "8000-char id");
        yield return (r => Set(r, StandardWebhook.IdHeader, "id\u00e9\u4e2d"), "non-ASCII id");
        yield return (r => r.Content!.Headers.ContentLength = 5, "short Content-Length");
        yield return (r => { r.Content!.Headers.Remove("Content-Type"); r.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=\"unterminated"); }, "bad charset");
        yield return (r => { r.Content!.Headers.Remove("Content-Type"); r.Content.Headers.TryAddWithoutValidation("Content-Type", ";;;"); }, "empty media type");
        yield return (r => r.Headers.TryAddWithoutValidation("Content-Encoding", "gzip"), "claims gzip");
        yield return (r => r.Headers.TryAddWithoutValidation("Expect", "100-continue"), "expect continue");
    }
}
