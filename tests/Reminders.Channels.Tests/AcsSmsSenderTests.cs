using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Reminders.Channels.Acs;
using Reminders.Channels.Tests.Support;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests;

public sealed class AcsSmsSenderTests
{
    private const string From = "+18005550100";
    private const string Buyer = "+8613800138000";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly string _accessKey = AcsSignature.NewAccessKey();

    /// <summary>The ACS SMS endpoint: checks path, api-version, HMAC signature and body, answers as the service does.</summary>
    private async Task FakeAcsSmsAsync(RecordedRequest request, HttpContext context)
    {
        if (request.Method != "POST" || request.RawTarget != "/sms?api-version=2021-03-07")
        {
            await StubServer.RespondAsync(context, 404, """{"error":{"code":"NotFound","message":"Resource not found."}}""");
            return;
        }
        if (AcsSignature.Problem(request, _accessKey, _time.GetUtcNow()) is not null)
        {
            await StubServer.RespondAsync(context, 401, AcsSignature.DeniedBody, ("x-ms-error-code", "Denied"));
            return;
        }
        if (request.Header("Content-Type") != "application/json")
        {
            await StubServer.RespondAsync(context, 415, null);
            return;
        }
        var body = JsonNode.Parse(request.BodyText)!;
        var to = body["smsRecipients"]?[0]?["to"]?.GetValue<string>();
        if (body["from"] is null || body["message"] is null || to is null)
        {
            await StubServer.RespondAsync(context, 400, """{"error":{"code":"BadRequest","message":"The request is invalid."}}""");
            return;
        }

        string Item(int status, string? messageId, string? error) => JsonSerializer.Serialize(new
        {
            value = new[] { new { to, messageId, httpStatusCode = status, successful = status == 202, errorMessage = error } },
        });

        switch (to)
        {
            case "+14255550111":
                await StubServer.RespondAsync(context, 202, Item(400, null, $"Invalid To phone number format."));
                break;
            case "+14255550122":
                await StubServer.RespondAsync(context, 202, Item(503, "Outgoing_20260105120000_x", "ServiceUnavailable"));
                break;
            case "+14255550133":
                await StubServer.RespondAsync(context, 429, """{"error":{"code":"TooManyRequests","message":"Too many requests."}}""", ("Retry-After", "12"));
                break;
            case "+14255550144":
                await StubServer.RespondAsync(context, 500, """{"error":{"code":"InternalServerError","message":"An internal error occurred."}}""");
                break;
            case "+14255550155":
                await StubServer.HangAsync(context);
                break;
            default:
                await StubServer.RespondAsync(context, 202, Item(202, "Outgoing_20260105120000bfd4ba70-70bf-4f77-925d-c0bdb5161bb3", null));
                break;
        }
    }

    private async Task<(StubServer Stub, ChannelsHost Host, ISmsSender Sender)> StartAsync(string? accessKey = null, string? httpTimeout = null)
    {
        var stub = await StubServer.StartAsync(FakeAcsSmsAsync);
        var host = new ChannelsHost(new Dictionary<string, string?>
        {
            ["Channels__Sms__Provider"] = "acs",
            ["Channels__Sms__Acs__ConnectionString"] = $"endpoint={stub.BaseUrl};accesskey={accessKey ?? _accessKey}",
            ["Channels__Sms__Acs__From"] = From,
            ["Channels__HttpTimeout"] = httpTimeout,
        }, _time);
        return (stub, host, host.Get<ISmsSender>());
    }

    [Fact]
    public async Task Sends_the_signed_request_and_returns_the_message_id()
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new SmsMessage(Buyer, "您的订单待付款"), CancellationToken.None);

        Assert.Equal(new DeliveryResult.Sent("Outgoing_20260105120000bfd4ba70-70bf-4f77-925d-c0bdb5161bb3"), result);
        var request = Assert.Single(stub.Requests);
        Assert.Null(AcsSignature.Problem(request, _accessKey, _time.GetUtcNow()));
        Assert.Equal("Mon, 05 Jan 2026 12:00:00 GMT", request.Header("x-ms-date"));
        Assert.Equal(stub.BaseUrl.Authority, request.Header("Host"));
        var expected = JsonNode.Parse($$"""
            {"from":"{{From}}","smsRecipients":[{"to":"{{Buyer}}"}],"message":"您的订单待付款","smsSendOptions":{"enableDeliveryReport":true} }
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(request.BodyText)), request.BodyText);
    }

    [Fact]
    public async Task A_wrong_access_key_is_refused_permanently_not_blamed_on_the_contact()
    {
        var (stub, host, sender) = await StartAsync(accessKey: AcsSignature.NewAccessKey());
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new SmsMessage(Buyer, "hi"), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.False(failure.ContactInvalid);
        Assert.Contains("Denied", failure.Reason);
    }

    [Fact]
    public async Task A_recipient_rejected_with_400_is_an_invalid_contact()
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new SmsMessage("+14255550111", "hi"), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.True(failure.ContactInvalid);
        Assert.Contains("Invalid To phone number format", failure.Reason);
    }

    [Theory]
    [InlineData("+14255550122", null)] // per-recipient 503
    [InlineData("+14255550133", 12)]   // 429 Retry-After
    [InlineData("+14255550144", null)] // 500
    public async Task Throttling_and_server_errors_are_transient(string to, int? retryAfterSeconds)
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new SmsMessage(to, "hi"), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.TransientFailure>(result);
        Assert.Equal(retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, failure.RetryAfter);
    }

    [Fact]
    public async Task A_slow_service_is_transient()
    {
        var (stub, host, sender) = await StartAsync(httpTimeout: "00:00:01");
        await using var _ = stub;
        await using var __ = host;

        var result = await _time.AdvanceUntilDoneAsync(sender.SendAsync(new SmsMessage("+14255550155", "hi"), CancellationToken.None));

        Assert.Equal(new DeliveryResult.TransientFailure("timeout"), result);
    }

    [Fact]
    public async Task Logs_show_the_number_masked_only()
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        await sender.SendAsync(new SmsMessage(Buyer, "hi"), CancellationToken.None);

        Assert.Contains("+86138****8000", host.Logs.AllText);
        Assert.DoesNotContain("13800138000", host.Logs.AllText);
    }

    [Theory]
    [InlineData("endpoint=https://contoso.communication.azure.com/;accesskey=c2VjcmV0", "https://contoso.communication.azure.com/", "c2VjcmV0")]
    [InlineData("Endpoint=https://contoso.communication.azure.com;AccessKey=YWJjZA==", "https://contoso.communication.azure.com/", "YWJjZA==")]
    public void Parses_connection_strings(string connectionString, string endpoint, string accessKey)
    {
        var parsed = AcsConnectionString.Parse(connectionString);

        Assert.Equal(new Uri(endpoint), parsed.Endpoint);
        Assert.Equal(accessKey, parsed.AccessKey);
        Assert.Equal("/emails:send?api-version=2023-03-31", parsed.Resolve("emails:send?api-version=2023-03-31").PathAndQuery);
        Assert.DoesNotContain(accessKey, parsed.ToString());
    }

    [Theory]
    [InlineData("accesskey=c2VjcmV0")]
    [InlineData("endpoint=https://contoso.communication.azure.com/")]
    [InlineData("endpoint=https://contoso.communication.azure.com/;accesskey=not base64!")]
    public void Rejects_incomplete_connection_strings(string connectionString)
    {
        Assert.Throws<FormatException>(() => AcsConnectionString.Parse(connectionString));
    }
}
