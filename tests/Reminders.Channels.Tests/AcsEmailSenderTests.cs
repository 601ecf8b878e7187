using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Reminders.Channels.Acs;
using Reminders.Channels.Tests.Support;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests;

public sealed class AcsEmailSenderTests
{
    private const string Sender = "DoNotReply@shop.example";
    private const string Buyer = "alice@example.com";

    private readonly FakeTimeProvider _time = new();
    private readonly string _accessKey = AcsSignature.NewAccessKey();

    /// <summary>The ACS Email endpoint: checks path, api-version, signature and body; answers 202 with the operation.</summary>
    private async Task FakeAcsEmailAsync(RecordedRequest request, HttpContext context)
    {
        if (request.Method != "POST" || request.RawTarget != "/emails:send?api-version=2023-03-31")
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
        var to = body["recipients"]?["to"]?[0]?["address"]?.GetValue<string>();
        if (body["senderAddress"] is null || to is null || string.IsNullOrEmpty(body["content"]?["subject"]?.GetValue<string>()))
        {
            await StubServer.RespondAsync(context, 400, """{"error":{"code":"BadRequest","message":"Subject is required."}}""", ("x-ms-error-code", "BadRequest"));
            return;
        }
        switch (to)
        {
            case "not-an-address":
                await StubServer.RespondAsync(context, 400,
                    """{"error":{"code":"InvalidEmailAddress","message":"The email address not-an-address is not valid."}}""",
                    ("x-ms-error-code", "InvalidEmailAddress"));
                break;
            case "bounced@example.com":
                await StubServer.RespondAsync(context, 400,
                    """{"error":{"code":"EmailDroppedAllRecipientsSuppressed","message":"Email was dropped because all recipients were suppressed."}}""",
                    ("x-ms-error-code", "EmailDroppedAllRecipientsSuppressed"));
                break;
            case "throttled@example.com":
                await StubServer.RespondAsync(context, 429, """{"error":{"code":"TooManyRequests","message":"Too many requests."}}""", ("Retry-After", "60"));
                break;
            case "down@example.com":
                await StubServer.RespondAsync(context, 503, """{"error":{"code":"ServiceUnavailable","message":"Try later."}}""");
                break;
            case "slow@example.com":
                await StubServer.HangAsync(context);
                break;
            default:
                var operationId = request.Header("Operation-Id") ?? Guid.NewGuid().ToString();
                await StubServer.RespondAsync(context, 202, JsonSerializer.Serialize(new { id = operationId, status = "Running" }),
                    ("Operation-Location", $"{context.Request.Scheme}://{request.Header("Host")}/emails/operations/{operationId}?api-version=2023-03-31"),
                    ("retry-after", "20"));
                break;
        }
    }

    private async Task<(StubServer Stub, ChannelsHost Host, IEmailSender Sender)> StartAsync(string? httpTimeout = null)
    {
        var stub = await StubServer.StartAsync(FakeAcsEmailAsync);
        var host = new ChannelsHost(new Dictionary<string, string?>
        {
            ["Channels__Email__Provider"] = "acs",
            ["Channels__Email__Acs__ConnectionString"] = $"endpoint={stub.BaseUrl};accesskey={_accessKey}",
            ["Channels__Email__Acs__SenderAddress"] = Sender,
            ["Channels__HttpTimeout"] = httpTimeout,
        }, _time);
        return (stub, host, host.Get<IEmailSender>());
    }

    [Fact]
    public async Task Sends_the_signed_message_with_list_unsubscribe_headers_and_returns_the_operation_id()
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;
        var headers = new Dictionary<string, string>
        {
            ["List-Unsubscribe"] = "<https://shop.example/unsubscribe?t=abc>, <mailto:unsubscribe@shop.example>",
            ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
        };

        var result = await sender.SendAsync(
            new EmailMessage(Buyer, "Your order is waiting", "Pay within 24 hours.", "<p>Pay within 24 hours.</p>", headers),
            CancellationToken.None);

        var request = Assert.Single(stub.Requests);
        Assert.Null(AcsSignature.Problem(request, _accessKey, _time.GetUtcNow()));
        var operationId = request.Header("Operation-Id");
        Assert.True(Guid.TryParse(operationId, out var parsedId) && parsedId != Guid.Empty);
        Assert.Equal(new DeliveryResult.Sent(operationId!), result);
        var expected = JsonNode.Parse($$"""
            {
              "senderAddress": "{{Sender}}",
              "content": { "subject": "Your order is waiting", "plainText": "Pay within 24 hours.", "html": "<p>Pay within 24 hours.</p>" },
              "recipients": { "to": [ { "address": "{{Buyer}}" } ] },
              "headers": {
                "List-Unsubscribe": "<https://shop.example/unsubscribe?t=abc>, <mailto:unsubscribe@shop.example>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"
              }
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(request.BodyText)), request.BodyText);
    }

    [Fact]
    public async Task Plain_text_only_mail_has_no_html_and_no_headers()
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new EmailMessage(Buyer, "Subject", "Text"), CancellationToken.None);

        Assert.IsType<DeliveryResult.Sent>(result);
        var body = JsonNode.Parse(Assert.Single(stub.Requests).BodyText)!.AsObject();
        Assert.False(body.ContainsKey("headers"));
        Assert.False(body["content"]!.AsObject().ContainsKey("html"));
    }

    [Theory]
    [InlineData("not-an-address", "InvalidEmailAddress")]
    [InlineData("bounced@example.com", "EmailDroppedAllRecipientsSuppressed")]
    public async Task A_bad_or_suppressed_address_is_an_invalid_contact(string to, string code)
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new EmailMessage(to, "s", "t"), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.True(failure.ContactInvalid);
        Assert.Contains(code, failure.Reason);
        Assert.DoesNotContain("not-an-address", failure.Reason);
    }

    [Fact]
    public async Task A_bad_request_not_about_the_recipient_is_permanent_without_blaming_the_contact()
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new EmailMessage(Buyer, "", "t"), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.False(failure.ContactInvalid);
    }

    [Theory]
    [InlineData("throttled@example.com", 60)]
    [InlineData("down@example.com", null)]
    public async Task Throttling_and_outages_are_transient(string to, int? retryAfterSeconds)
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new EmailMessage(to, "s", "t"), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.TransientFailure>(result);
        Assert.Equal(retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, failure.RetryAfter);
    }

    [Fact]
    public async Task A_slow_service_is_transient()
    {
        var (stub, host, sender) = await StartAsync(httpTimeout: "00:00:01");
        await using var _ = stub;
        await using var __ = host;

        var result = await _time.AdvanceUntilDoneAsync(sender.SendAsync(new EmailMessage("slow@example.com", "s", "t"), CancellationToken.None));

        Assert.Equal(new DeliveryResult.TransientFailure("timeout"), result);
    }

    [Fact]
    public async Task Logs_show_the_address_masked_only()
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        await sender.SendAsync(new EmailMessage(Buyer, "s", "t"), CancellationToken.None);

        Assert.Contains("a***@example.com", host.Logs.AllText);
        Assert.DoesNotContain(Buyer, host.Logs.AllText);
    }
}
