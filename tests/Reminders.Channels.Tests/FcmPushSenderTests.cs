using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;
using Reminders.Channels.Tests.Support;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests;

/// <summary>Test service-account keys, made once per class because RSA key generation is slow.</summary>
public sealed class ServiceAccountKeys : IDisposable
{
    public RSA Key { get; } = RSA.Create(2048);

    public RSA UnknownKey { get; } = RSA.Create(2048);

    public void Dispose()
    {
        Key.Dispose();
        UnknownKey.Dispose();
    }
}

public sealed class FcmPushSenderTests(ServiceAccountKeys keys) : IClassFixture<ServiceAccountKeys>
{
    private const string DeviceToken = "fGx1Yz3kQ0eXampleDeviceRegistrationToken:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx";

    private readonly FakeTimeProvider _time = new();
    private readonly RSA _serviceAccountKey = keys.Key;

    private async Task<(FakeGoogle Google, ChannelsHost Host, IPushSender Sender)> StartAsync(RSA? keyInJson = null, string? httpTimeout = null)
    {
        var google = await FakeGoogle.StartAsync(_time, _serviceAccountKey);
        var host = new ChannelsHost(new Dictionary<string, string?>
        {
            ["Channels__Push__Provider"] = "fcm",
            ["Channels__Push__Fcm__BaseUrl"] = google.Stub.BaseUrl.AbsoluteUri,
            ["Channels__Push__Fcm__ServiceAccountJson"] = google.ServiceAccountJson(keyInJson ?? _serviceAccountKey),
            ["Channels__HttpTimeout"] = httpTimeout,
        }, _time);
        return (google, host, host.Get<IPushSender>());
    }

    private static PushMessage Push(string token = DeviceToken) =>
        new(token, "订单待付款", "Your order expires in 2 hours", new Dictionary<string, string> { ["orderId"] = "o-1001", ["kind"] = "payment_due" });

    [Fact]
    public async Task Exchanges_a_signed_jwt_for_a_token_and_sends_the_v1_message()
    {
        var (google, host, sender) = await StartAsync();
        await using var _ = google;
        await using var __ = host;

        var result = await sender.SendAsync(Push(), CancellationToken.None);

        Assert.Equal(new DeliveryResult.Sent(FakeGoogle.MessageName), result);
        var tokenRequest = Assert.Single(google.TokenRequests);
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", QueryHelpers.ParseQuery(tokenRequest.BodyText)["grant_type"].ToString());
        var send = Assert.Single(google.SendRequests);
        Assert.Equal("POST", send.Method);
        Assert.Equal("/v1/projects/reminders-test/messages:send", send.RawTarget);
        Assert.Equal("Bearer " + google.LastIssuedToken, send.Header("Authorization"));
        Assert.Equal("application/json", send.Header("Content-Type"));
        var expected = JsonNode.Parse($$"""
            {"message":{
              "token":"{{DeviceToken}}",
              "notification":{"title":"订单待付款","body":"Your order expires in 2 hours"},
              "data":{"orderId":"o-1001","kind":"payment_due"}
            } }
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(send.BodyText)), send.BodyText);
    }

    [Fact]
    public async Task Two_sends_share_one_access_token()
    {
        var (google, host, sender) = await StartAsync();
        await using var _ = google;
        await using var __ = host;

        Assert.IsType<DeliveryResult.Sent>(await sender.SendAsync(Push(), CancellationToken.None));
        Assert.IsType<DeliveryResult.Sent>(await sender.SendAsync(Push(), CancellationToken.None));

        Assert.Single(google.TokenRequests);
        Assert.Equal(2, google.SendRequests.Count);
    }

    [Fact]
    public async Task Concurrent_sends_wait_for_a_single_refresh()
    {
        var (google, host, sender) = await StartAsync();
        await using var _ = google;
        await using var __ = host;
        google.TokenDelay = TimeSpan.FromMilliseconds(300);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => sender.SendAsync(Push(), CancellationToken.None)));

        Assert.All(results, r => Assert.IsType<DeliveryResult.Sent>(r));
        Assert.Single(google.TokenRequests);
    }

    [Fact]
    public async Task The_token_is_kept_while_valid_and_renewed_before_it_expires()
    {
        var (google, host, sender) = await StartAsync();
        await using var _ = google;
        await using var __ = host;

        await sender.SendAsync(Push(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(30)); // expires_in 3599 s: half of it left
        await sender.SendAsync(Push(), CancellationToken.None);
        Assert.Single(google.TokenRequests);

        _time.Advance(TimeSpan.FromMinutes(29)); // under a minute left: the library fetches a new one before sending
        var result = await sender.SendAsync(Push(), CancellationToken.None);

        Assert.IsType<DeliveryResult.Sent>(result);
        Assert.Equal(2, google.TokenRequests.Count);
        Assert.Equal("Bearer " + google.LastIssuedToken, google.SendRequests[^1].Header("Authorization"));
    }

    [Fact]
    public async Task A_refused_token_is_replaced_once()
    {
        var (google, host, sender) = await StartAsync();
        await using var _ = google;
        await using var __ = host;
        await sender.SendAsync(Push(), CancellationToken.None);
        google.Revoke(google.LastIssuedToken);

        var result = await sender.SendAsync(Push(), CancellationToken.None);

        Assert.Equal(new DeliveryResult.Sent(FakeGoogle.MessageName), result);
        Assert.Equal(2, google.TokenRequests.Count);
        Assert.Equal(3, google.SendRequests.Count);
    }

    [Fact]
    public async Task A_token_refused_again_after_the_refresh_is_permanent_without_looping()
    {
        var (google, host, sender) = await StartAsync();
        await using var _ = google;
        await using var __ = host;
        google.RejectAllTokens = true;

        var result = await sender.SendAsync(Push(), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.False(failure.ContactInvalid);
        Assert.Equal(2, google.SendRequests.Count);
        Assert.Equal(2, google.TokenRequests.Count);
    }

    [Theory]
    [InlineData("unregistered-device-token", true)]
    [InlineData("malformed-device-token", true)]
    [InlineData("bad-data-device-token", false)]
    public async Task Unregistered_and_invalid_tokens_are_invalid_contacts(string token, bool contactInvalid)
    {
        var (google, host, sender) = await StartAsync();
        await using var _ = google;
        await using var __ = host;

        var result = await sender.SendAsync(Push(token), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.Equal(contactInvalid, failure.ContactInvalid);
    }

    [Theory]
    [InlineData("quota-device-token", 30)]
    [InlineData("unavailable-device-token", 120)] // HTTP-date
    public async Task Quota_and_outages_are_transient_with_retry_after(string token, int retryAfterSeconds)
    {
        var (google, host, sender) = await StartAsync();
        await using var _ = google;
        await using var __ = host;

        var result = await sender.SendAsync(Push(token), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.TransientFailure>(result);
        Assert.Equal(TimeSpan.FromSeconds(retryAfterSeconds), failure.RetryAfter);
    }

    [Fact]
    public async Task A_slow_fcm_is_transient()
    {
        var (google, host, sender) = await StartAsync(httpTimeout: "00:00:01");
        await using var _ = google;
        await using var __ = host;

        Assert.IsType<DeliveryResult.Sent>(await sender.SendAsync(Push(), CancellationToken.None)); // the token, fetched before the clock moves

        var result = await _time.AdvanceUntilDoneAsync(sender.SendAsync(Push("slow-device-token"), CancellationToken.None));

        Assert.Equal(new DeliveryResult.TransientFailure("timeout"), result);
    }

    [Fact]
    public async Task A_key_google_does_not_know_is_refused_at_the_token_endpoint_and_nothing_is_sent()
    {
        var (google, host, sender) = await StartAsync(keyInJson: keys.UnknownKey);
        await using var _ = google;
        await using var __ = host;

        var result = await sender.SendAsync(Push(), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.False(failure.ContactInvalid);
        Assert.Contains("invalid_grant", failure.Reason);
        Assert.Empty(google.SendRequests);
    }

    [Fact]
    public async Task A_token_endpoint_outage_is_transient()
    {
        var (google, host, sender) = await StartAsync();
        await using var _ = google;
        await using var __ = host;
        google.TokenEndpointDown = true;

        var result = await sender.SendAsync(Push(), CancellationToken.None);

        Assert.IsType<DeliveryResult.TransientFailure>(result);
        Assert.Empty(google.SendRequests);
    }

    [Fact]
    public async Task Logs_show_the_device_token_masked_only()
    {
        var (google, host, sender) = await StartAsync();
        await using var _ = google;
        await using var __ = host;

        await sender.SendAsync(Push(), CancellationToken.None);
        await sender.SendAsync(Push("unregistered-device-token"), CancellationToken.None);

        Assert.Contains("****RYqx", host.Logs.AllText);
        Assert.DoesNotContain(DeviceToken, host.Logs.AllText);
        Assert.DoesNotContain("unregistered-device-token", host.Logs.AllText);
        Assert.DoesNotContain(google.LastIssuedToken, host.Logs.AllText);
    }

    [Fact]
    public void A_key_file_that_is_not_a_service_account_key_is_refused_at_start_up_naming_the_setting()
    {
        var problems = ChannelsHost.Problems(new Dictionary<string, string?>
        {
            ["Channels__Push__Provider"] = "fcm",
            ["Channels__Push__Fcm__ServiceAccountJson"] = """{"client_email":"x@example.com","private_key":"-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"}""",
        });

        Assert.NotNull(problems);
        Assert.Contains("Channels__Push__Fcm__ServiceAccountJson", problems);
        Assert.DoesNotContain("not a key", problems);
    }
}
