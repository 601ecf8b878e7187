using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Reminders.Channels.Tests.Support;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests;

public sealed class WebhookSenderTests
{
    private const string Body = """{"type":"reminder.payment_window_expired","timestamp":"2026-01-05T12:00:00Z","data":{"orderId":"o-1001","note":"买家未付款"}}""";

    private readonly FakeTimeProvider _time = new();

    private static readonly Dictionary<string, string> SignedHeaders = new()
    {
        ["webhook-id"] = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
        ["webhook-timestamp"] = "1767614400",
        ["webhook-signature"] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    };

    /// <summary>A merchant endpoint whose answer depends on the path.</summary>
    private Task MerchantAsync(RecordedRequest request, HttpContext context) => request.Path switch
    {
        "/hooks/ok" => StubServer.RespondAsync(context, 204, null),
        "/hooks/gone" => StubServer.RespondAsync(context, 410, null),
        "/hooks/bad" => StubServer.RespondAsync(context, 400, """{"error":"unknown type"}"""),
        "/hooks/busy" => StubServer.RespondAsync(context, 429, null, ("Retry-After", "45")),
        "/hooks/down" => StubServer.RespondAsync(context, 503, null,
            ("Retry-After", _time.GetUtcNow().AddMinutes(5).ToString("r", CultureInfo.InvariantCulture))),
        "/hooks/timeout" => StubServer.RespondAsync(context, 408, null),
        "/hooks/slow" => StubServer.HangAsync(context),
        _ => StubServer.RespondAsync(context, 404, null),
    };

    private async Task<(StubServer Stub, ChannelsHost Host, IWebhookSender Sender)> StartAsync(string? httpTimeout = null)
    {
        var stub = await StubServer.StartAsync(MerchantAsync);
        var host = new ChannelsHost(new Dictionary<string, string?> { ["Channels__HttpTimeout"] = httpTimeout }, _time);
        return (stub, host, host.Get<IWebhookSender>());
    }

    [Fact]
    public async Task Posts_the_exact_body_and_signature_headers_and_returns_the_webhook_id()
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new WebhookMessage(new Uri(stub.BaseUrl, "hooks/ok"), Body, SignedHeaders), CancellationToken.None);

        Assert.Equal(new DeliveryResult.Sent("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"), result);
        var request = Assert.Single(stub.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/ok", request.RawTarget);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal(Body, request.BodyText);
        foreach (var (name, value) in SignedHeaders) Assert.Equal(value, request.Header(name));
    }

    [Theory]
    [InlineData("hooks/gone", true)]
    [InlineData("hooks/bad", false)]
    [InlineData("hooks/missing", false)]
    public async Task Gone_and_client_errors_are_permanent(string path, bool contactInvalid)
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new WebhookMessage(new Uri(stub.BaseUrl, path), Body, SignedHeaders), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.Equal(contactInvalid, failure.ContactInvalid);
    }

    [Theory]
    [InlineData("hooks/busy", 45)]
    [InlineData("hooks/down", 300)]
    [InlineData("hooks/timeout", null)]
    public async Task Busy_and_failing_endpoints_are_transient(string path, int? retryAfterSeconds)
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new WebhookMessage(new Uri(stub.BaseUrl, path), Body, SignedHeaders), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.TransientFailure>(result);
        Assert.Equal(retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, failure.RetryAfter);
    }

    [Fact]
    public async Task A_slow_endpoint_is_transient()
    {
        var (stub, host, sender) = await StartAsync(httpTimeout: "00:00:01");
        await using var _ = stub;
        await using var __ = host;

        var result = await _time.AdvanceUntilDoneAsync(sender.SendAsync(new WebhookMessage(new Uri(stub.BaseUrl, "hooks/slow"), Body, SignedHeaders), CancellationToken.None));

        Assert.Equal(new DeliveryResult.TransientFailure("timeout"), result);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_transient()
    {
        var dead = await ChannelsHost.DeadAddressAsync();
        await using var host = new ChannelsHost(new Dictionary<string, string?>(), _time);

        var result = await _time.AdvanceUntilDoneAsync(
            host.Get<IWebhookSender>().SendAsync(new WebhookMessage(new Uri(dead, "hooks/ok"), Body, SignedHeaders), CancellationToken.None));

        Assert.IsType<DeliveryResult.TransientFailure>(result);
    }
}
