using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Reminders.Channels.Fcm;
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
    private readonly CollectingLogger<FcmPushSender> _log = new();
    private readonly RSA _serviceAccountKey = keys.Key;

    private async Task<(FakeGoogle Google, FcmPushSender Sender)> StartAsync(RSA? keyInJson = null, TimeSpan? timeout = null)
    {
        var google = await FakeGoogle.StartAsync(_time, _serviceAccountKey);
        var options = new FcmOptions { BaseUrl = google.Stub.BaseUrl, ServiceAccountJson = google.ServiceAccountJson(keyInJson ?? _serviceAccountKey) };
        return (google, new FcmPushSender(TestHttp.Client(timeout), options, _time, _log));
    }

    private static PushMessage Push(string token = DeviceToken) =>
        new(token, "订单待付款", "Your order expires in 2 hours", new Dictionary<string, string> { ["orderId"] = "o-1001", ["kind"] = "payment_due" });

    [Fact]
    public async Task Exchanges_a_signed_jwt_for_a_token_and_sends_the_v1_message()
    {
        var (google, sender) = await StartAsync();
        await using var _ = google;
        using var __ = sender;

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
        var (google, sender) = await StartAsync();
        await using var _ = google;
        using var __ = sender;

        Assert.IsType<DeliveryResult.Sent>(await sender.SendAsync(Push(), CancellationToken.None));
        Assert.IsType<DeliveryResult.Sent>(await sender.SendAsync(Push(), CancellationToken.None));

        Assert.Single(google.TokenRequests);
        Assert.Equal(2, google.SendRequests.Count);
    }

    [Fact]
    public async Task Concurrent_sends_wait_for_a_single_refresh()
    {
        var (google, sender) = await StartAsync();
        await using var _ = google;
        using var __ = sender;
        google.TokenDelay = TimeSpan.FromMilliseconds(300);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => sender.SendAsync(Push(), CancellationToken.None)));

        Assert.All(results, r => Assert.IsType<DeliveryResult.Sent>(r));
        Assert.Single(google.TokenRequests);
    }

    [Fact]
    public async Task The_token_is_renewed_five_minutes_before_it_expires()
    {
        var (google, sender) = await StartAsync();
        await using var _ = google;
        using var __ = sender;

        await sender.SendAsync(Push(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(54)); // expires_in 3599 s: still more than 5 minutes left
        await sender.SendAsync(Push(), CancellationToken.None);
        Assert.Single(google.TokenRequests);

        _time.Advance(TimeSpan.FromMinutes(1)); // now inside the last 5 minutes
        var result = await sender.SendAsync(Push(), CancellationToken.None);

        Assert.IsType<DeliveryResult.Sent>(result);
        Assert.Equal(2, google.TokenRequests.Count);
        Assert.Equal("Bearer " + google.LastIssuedToken, google.SendRequests[^1].Header("Authorization"));
    }

    [Fact]
    public async Task A_refused_token_is_replaced_once()
    {
        var (google, sender) = await StartAsync();
        await using var _ = google;
        using var __ = sender;
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
        var (google, sender) = await StartAsync();
        await using var _ = google;
        using var __ = sender;
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
        var (google, sender) = await StartAsync();
        await using var _ = google;
        using var __ = sender;

        var result = await sender.SendAsync(Push(token), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.Equal(contactInvalid, failure.ContactInvalid);
    }

    [Theory]
    [InlineData("quota-device-token", 30)]
    [InlineData("unavailable-device-token", 120)] // HTTP-date
    public async Task Quota_and_outages_are_transient_with_retry_after(string token, int retryAfterSeconds)
    {
        var (google, sender) = await StartAsync();
        await using var _ = google;
        using var __ = sender;

        var result = await sender.SendAsync(Push(token), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.TransientFailure>(result);
        Assert.Equal(TimeSpan.FromSeconds(retryAfterSeconds), failure.RetryAfter);
    }

    [Fact]
    public async Task A_slow_fcm_is_transient()
    {
        var (google, sender) = await StartAsync(timeout: TimeSpan.FromSeconds(1));
        await using var _ = google;
        using var __ = sender;

        var result = await sender.SendAsync(Push("slow-device-token"), CancellationToken.None);

        Assert.Equal(new DeliveryResult.TransientFailure("timeout"), result);
    }

    [Fact]
    public async Task A_key_google_does_not_know_is_refused_at_the_token_endpoint_and_nothing_is_sent()
    {
        var (google, sender) = await StartAsync(keyInJson: keys.UnknownKey);
        await using var _ = google;
        using var __ = sender;

        var result = await sender.SendAsync(Push(), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.False(failure.ContactInvalid);
        Assert.Contains("invalid_grant", failure.Reason);
        Assert.Empty(google.SendRequests);
    }

    [Fact]
    public async Task A_token_endpoint_outage_is_transient()
    {
        var (google, sender) = await StartAsync();
        await using var _ = google;
        using var __ = sender;
        google.TokenEndpointDown = true;

        var result = await sender.SendAsync(Push(), CancellationToken.None);

        Assert.IsType<DeliveryResult.TransientFailure>(result);
        Assert.Empty(google.SendRequests);
    }

    [Fact]
    public async Task Logs_show_the_device_token_masked_only()
    {
        var (google, sender) = await StartAsync();
        await using var _ = google;
        using var __ = sender;

        await sender.SendAsync(Push(), CancellationToken.None);
        await sender.SendAsync(Push("unregistered-device-token"), CancellationToken.None);

        Assert.Contains("****RYqx", _log.AllText);
        Assert.DoesNotContain(DeviceToken, _log.AllText);
        Assert.DoesNotContain("unregistered-device-token", _log.AllText);
        Assert.DoesNotContain(google.LastIssuedToken, _log.AllText);
    }

    [Fact]
    public void The_service_account_prints_without_its_private_key()
    {
        var account = GoogleServiceAccount.Parse(new FakeGoogleJson(_serviceAccountKey).Json);

        Assert.Equal(FakeGoogle.ClientEmail, account.ClientEmail);
        Assert.DoesNotContain("PRIVATE KEY", account.ToString());
    }

    private sealed record FakeGoogleJson(RSA Key)
    {
        public string Json => $$"""{"client_email":"{{FakeGoogle.ClientEmail}}","private_key":"{{Key.ExportPkcs8PrivateKeyPem().Replace("\n", "\\n", StringComparison.Ordinal)}}","project_id":"p"}""";
    }
}
