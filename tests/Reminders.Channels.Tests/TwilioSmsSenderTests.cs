using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;
using Reminders.Channels.Tests.Support;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests;

public sealed class TwilioSmsSenderTests
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "0123456789abcdef0123456789abcdef";
    private const string ApiKeySid = "SK0123456789abcdef0123456789abcdef";
    private const string ApiKeySecret = "api-key-secret-value";
    private const string From = "+15005550006";
    private const string Buyer = "+8613800138000";

    private readonly FakeTimeProvider _time = new();

    /// <summary>What api.twilio.com checks before it creates a Message, with its real error bodies.</summary>
    private async Task FakeTwilioAsync(RecordedRequest request, HttpContext context, string expectedUser, string expectedPassword)
    {
        if (request.Method != "POST" || request.RawTarget != $"/2010-04-01/Accounts/{AccountSid}/Messages.json")
        {
            await StubServer.RespondAsync(context, 404, TwilioError(20404, "The requested resource was not found", 404));
            return;
        }
        var expectedAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{expectedUser}:{expectedPassword}"));
        if (request.Header("Authorization") != expectedAuth)
        {
            await StubServer.RespondAsync(context, 401, TwilioError(20003, "Authenticate", 401));
            return;
        }
        if (request.Header("Content-Type")?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) != true)
        {
            await StubServer.RespondAsync(context, 400, TwilioError(21604, "A 'To' phone number is required.", 400));
            return;
        }
        var form = QueryHelpers.ParseQuery(request.BodyText);
        if (!form.ContainsKey("To")) { await StubServer.RespondAsync(context, 400, TwilioError(21604, "A 'To' phone number is required.", 400)); return; }
        if (!form.ContainsKey("From") && !form.ContainsKey("MessagingServiceSid"))
        {
            await StubServer.RespondAsync(context, 400, TwilioError(21603, "A 'From' phone number is required.", 400));
            return;
        }
        if (!form.ContainsKey("Body")) { await StubServer.RespondAsync(context, 400, TwilioError(21602, "Message body is required.", 400)); return; }

        var to = form["To"].ToString();
        switch (to)
        {
            case "+15005550001":
                await StubServer.RespondAsync(context, 400, TwilioError(21211, $"The 'To' number {to} is not a valid phone number.", 400));
                break;
            case "+15005550004":
                await StubServer.RespondAsync(context, 400, TwilioError(21610, $"Attempt to send to unsubscribed recipient {to}", 400));
                break;
            case "+15005550009":
                await StubServer.RespondAsync(context, 400, TwilioError(21614, $"'To' number {to} is not a valid mobile number", 400));
                break;
            case "+15550000500":
                await StubServer.RespondAsync(context, 500, TwilioError(20500, "Internal Server Error", 500));
                break;
            case "+15550000503":
                await StubServer.RespondAsync(context, 503, TwilioError(20503, "Service Unavailable", 503), ("Retry-After", "30"));
                break;
            case "+15550000429":
                await StubServer.RespondAsync(context, 429, TwilioError(20429, "Too Many Requests", 429), ("Retry-After", "7"));
                break;
            case "+15550000430":
                await StubServer.RespondAsync(context, 429, TwilioError(20429, "Too Many Requests", 429),
                    ("Retry-After", _time.GetUtcNow().AddSeconds(90).ToString("r", CultureInfo.InvariantCulture)));
                break;
            case "+15550000408":
                await StubServer.HangAsync(context);
                break;
            default:
                await StubServer.RespondAsync(context, 201, JsonSerializer.Serialize(new
                {
                    account_sid = AccountSid,
                    api_version = "2010-04-01",
                    body = form["Body"].ToString(),
                    from = form.TryGetValue("From", out var f) ? f.ToString() : null,
                    messaging_service_sid = form.TryGetValue("MessagingServiceSid", out var m) ? m.ToString() : null,
                    sid = "SM0123456789abcdef0123456789abcdef",
                    status = form.ContainsKey("MessagingServiceSid") ? "accepted" : "queued",
                    to,
                    uri = $"/2010-04-01/Accounts/{AccountSid}/Messages/SM0123456789abcdef0123456789abcdef.json",
                }));
                break;
        }
    }

    private static string TwilioError(int code, string message, int status) => JsonSerializer.Serialize(new
    {
        code,
        message,
        more_info = $"https://www.twilio.com/docs/errors/{code}",
        status,
    });

    private static Dictionary<string, string?> Settings(Uri baseUrl, params (string Key, string Value)[] twilio)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Channels__Sms__Provider"] = "twilio",
            ["Channels__Sms__Twilio__BaseUrl"] = baseUrl.AbsoluteUri,
            ["Channels__Sms__Twilio__AccountSid"] = AccountSid,
        };
        foreach (var (key, value) in twilio.Length > 0 ? twilio : [("AuthToken", AuthToken), ("From", From)])
        {
            settings["Channels__Sms__Twilio__" + key] = value;
        }
        return settings;
    }

    private async Task<(StubServer Stub, ChannelsHost Host, ISmsSender Sender)> StartAsync(
        (string Key, string Value)[]? twilio = null, string? httpTimeout = null)
    {
        twilio ??= [];
        var usesApiKey = twilio.Any(t => t.Key == "ApiKeySid");
        var (user, password) = usesApiKey ? (ApiKeySid, ApiKeySecret) : (AccountSid, AuthToken);
        var stub = await StubServer.StartAsync((r, c) => FakeTwilioAsync(r, c, user, password));
        var settings = Settings(stub.BaseUrl, twilio);
        if (httpTimeout is not null) settings["Channels__HttpTimeout"] = httpTimeout;
        var host = new ChannelsHost(settings, _time);
        return (stub, host, host.Get<ISmsSender>());
    }

    [Fact]
    public async Task Posts_the_form_with_basic_auth_and_returns_the_message_sid()
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new SmsMessage(Buyer, "您的订单待付款 & pay now: https://shop.example/p?o=1"), CancellationToken.None);

        Assert.Equal(new DeliveryResult.Sent("SM0123456789abcdef0123456789abcdef"), result);
        var request = Assert.Single(stub.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Messages.json", request.RawTarget);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), request.Header("Authorization"));
        Assert.StartsWith("application/x-www-form-urlencoded", request.Header("Content-Type"));
        var form = QueryHelpers.ParseQuery(request.BodyText);
        Assert.Equal(["Body", "From", "To"], form.Keys.Order());
        Assert.Equal(Buyer, form["To"].ToString());
        Assert.Equal(From, form["From"].ToString());
        Assert.Equal("您的订单待付款 & pay now: https://shop.example/p?o=1", form["Body"].ToString());
    }

    [Fact]
    public async Task Uses_the_api_key_and_the_messaging_service_when_configured()
    {
        var (stub, host, sender) = await StartAsync(
            [("ApiKeySid", ApiKeySid), ("ApiKeySecret", ApiKeySecret), ("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef")]);
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new SmsMessage(Buyer, "hi"), CancellationToken.None);

        Assert.IsType<DeliveryResult.Sent>(result);
        var request = Assert.Single(stub.Requests);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ApiKeySid}:{ApiKeySecret}")), request.Header("Authorization"));
        var form = QueryHelpers.ParseQuery(request.BodyText);
        Assert.Equal(["Body", "MessagingServiceSid", "To"], form.Keys.Order());
        Assert.Equal("MG0123456789abcdef0123456789abcdef", form["MessagingServiceSid"].ToString());
    }

    [Theory]
    [InlineData("+15005550001", "21211")]
    [InlineData("+15005550004", "21610")]
    [InlineData("+15005550009", "21614")]
    public async Task A_bad_or_unsubscribed_number_is_a_permanent_failure_of_the_contact(string to, string code)
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new SmsMessage(to, "hi"), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.True(failure.ContactInvalid);
        Assert.Contains(code, failure.Reason);
        Assert.DoesNotContain(to[1..], failure.Reason); // Twilio echoes the number; the reason must not.
        Assert.DoesNotContain(to[1..], host.Logs.AllText);
    }

    [Fact]
    public async Task Refused_credentials_are_permanent_but_not_the_contacts_fault()
    {
        var (stub, host, sender) = await StartAsync([("AuthToken", "wrong"), ("From", From)]);
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new SmsMessage(Buyer, "hi"), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.False(failure.ContactInvalid);
        Assert.Contains("20003", failure.Reason);
    }

    [Theory]
    [InlineData("+15550000500", null)]
    [InlineData("+15550000503", 30)]
    [InlineData("+15550000429", 7)]
    [InlineData("+15550000430", 90)] // Retry-After as an HTTP-date, 90 s after the (fake) now
    public async Task Server_errors_and_throttling_are_transient_with_retry_after(string to, int? retryAfterSeconds)
    {
        var (stub, host, sender) = await StartAsync();
        await using var _ = stub;
        await using var __ = host;

        var result = await sender.SendAsync(new SmsMessage(to, "hi"), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.TransientFailure>(result);
        Assert.Equal(retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, failure.RetryAfter);
    }

    [Fact]
    public async Task A_provider_that_does_not_answer_in_time_is_transient()
    {
        var (stub, host, sender) = await StartAsync(httpTimeout: "00:00:01");
        await using var _ = stub;
        await using var __ = host;

        var result = await _time.AdvanceUntilDoneAsync(sender.SendAsync(new SmsMessage("+15550000408", "hi"), CancellationToken.None));

        Assert.Equal(new DeliveryResult.TransientFailure("timeout"), result);
    }

    [Fact]
    public async Task An_unreachable_provider_is_transient()
    {
        await using var host = new ChannelsHost(Settings(await ChannelsHost.DeadAddressAsync()), _time);

        var result = await _time.AdvanceUntilDoneAsync(host.Get<ISmsSender>().SendAsync(new SmsMessage(Buyer, "hi"), CancellationToken.None));

        Assert.IsType<DeliveryResult.TransientFailure>(result);
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

    [Fact]
    public void Settings_without_credentials_or_sender_are_refused_at_start_up_naming_them()
    {
        var problems = ChannelsHost.Problems(new Dictionary<string, string?>
        {
            ["Channels__Sms__Provider"] = "twilio",
            ["Channels__Sms__Twilio__AccountSid"] = AccountSid,
        });

        Assert.NotNull(problems);
        Assert.Contains("Channels__Sms__Twilio__AuthToken", problems);
        Assert.Contains("Channels__Sms__Twilio__From or Channels__Sms__Twilio__MessagingServiceSid", problems);
    }
}
