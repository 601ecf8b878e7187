using System.Security.Cryptography;
using System.Text;
using Reminders.Core.Webhooks;

namespace Reminders.Core.Tests.Webhooks;

public sealed class StandardWebhookTests
{
    // The specification's published test vector (standard-webhooks/standard-webhooks, libraries/*/tests: "sign function works").
    private const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long VectorTimestamp = 1614265330;
    private const string VectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly byte[] VectorBody = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");
    private static readonly DateTimeOffset VectorTime = DateTimeOffset.FromUnixTimeSeconds(VectorTimestamp);

    private static IReadOnlyList<WebhookSecret> Secrets(string value) => StandardWebhook.ParseSecrets(value, "Webhooks__Orders__Secret");

    private static string NewSecret() => WebhookSecret.Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static WebhookVerification VerifyVector(IReadOnlyList<WebhookSecret> secrets, string signature, DateTimeOffset now, byte[]? body = null) =>
        StandardWebhook.Verify(secrets, VectorId, VectorTimestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), signature, body ?? VectorBody, now);

    [Fact]
    public void Signs_the_published_test_vector()
    {
        var secret = Assert.Single(Secrets(VectorSecret));
        Assert.Equal(VectorSignature, StandardWebhook.Sign(secret, VectorId, VectorTimestamp, VectorBody));
    }

    [Fact]
    public void Verifies_the_published_test_vector()
    {
        Assert.Equal(WebhookVerification.Valid, VerifyVector(Secrets(VectorSecret), VectorSignature, VectorTime));
    }

    [Fact]
    public void A_tampered_body_does_not_verify()
    {
        var tampered = Encoding.UTF8.GetBytes("{\"test\": 2432232315}");
        Assert.Equal(WebhookVerification.NoMatchingSignature, VerifyVector(Secrets(VectorSecret), VectorSignature, VectorTime, tampered));
    }

    [Fact]
    public void A_changed_id_does_not_verify()
    {
        var result = StandardWebhook.Verify(Secrets(VectorSecret), "msg_other", "1614265330", VectorSignature, VectorBody, VectorTime);
        Assert.Equal(WebhookVerification.NoMatchingSignature, result);
    }

    [Fact]
    public void A_wrong_secret_does_not_verify()
    {
        Assert.Equal(WebhookVerification.NoMatchingSignature, VerifyVector(Secrets(NewSecret()), VectorSignature, VectorTime));
    }

    [Fact]
    public void During_rotation_a_signature_by_either_secret_verifies()
    {
        var rotated = Secrets($"{NewSecret()}  {VectorSecret}");
        Assert.Equal(2, rotated.Count);
        Assert.Equal(WebhookVerification.Valid, VerifyVector(rotated, VectorSignature, VectorTime));

        var newOnly = NewSecret();
        var both = Secrets($"{VectorSecret} {newOnly}");
        var byNew = StandardWebhook.Sign(Secrets(newOnly)[0], VectorId, VectorTimestamp, VectorBody);
        Assert.Equal(WebhookVerification.Valid, VerifyVector(both, byNew, VectorTime));
    }

    [Fact]
    public void Any_v1_signature_among_several_counts_and_other_versions_are_ignored()
    {
        var bogus = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
        var header = $"{bogus} v2,{VectorSignature[3..]} v1,not-base64!! {VectorSignature} {bogus}";
        Assert.Equal(WebhookVerification.Valid, VerifyVector(Secrets(VectorSecret), header, VectorTime));
    }

    [Fact]
    public void The_right_mac_under_another_version_does_not_count()
    {
        Assert.Equal(WebhookVerification.NoMatchingSignature, VerifyVector(Secrets(VectorSecret), "v2," + VectorSignature[3..], VectorTime));
        Assert.Equal(WebhookVerification.NoMatchingSignature, VerifyVector(Secrets(VectorSecret), VectorSignature[3..], VectorTime));
    }

    [Fact]
    public void A_truncated_or_extended_mac_does_not_verify()
    {
        var mac = Convert.FromBase64String(VectorSignature[3..]);

        Assert.Equal(WebhookVerification.NoMatchingSignature, VerifyVector(Secrets(VectorSecret), "v1," + Convert.ToBase64String(mac[..16]), VectorTime));
        Assert.Equal(WebhookVerification.NoMatchingSignature, VerifyVector(Secrets(VectorSecret), "v1," + Convert.ToBase64String([.. mac, 0]), VectorTime));
        Assert.Equal(WebhookVerification.NoMatchingSignature, VerifyVector(Secrets(VectorSecret), "v1,", VectorTime));
    }

    [Theory]
    [InlineData(-300, WebhookVerification.Valid)]
    [InlineData(-301, WebhookVerification.TimestampTooNew)]
    [InlineData(300, WebhookVerification.Valid)]
    [InlineData(301, WebhookVerification.TimestampTooOld)]
    [InlineData(86_400, WebhookVerification.TimestampTooOld)]
    public void Timestamps_more_than_five_minutes_off_either_way_are_refused(int secondsFromTimestampToNow, WebhookVerification expected)
    {
        var now = VectorTime.AddSeconds(secondsFromTimestampToNow);
        Assert.Equal(expected, VerifyVector(Secrets(VectorSecret), VectorSignature, now));
    }

    [Theory]
    [InlineData(null, "1614265330", VectorSignature)]
    [InlineData(VectorId, null, VectorSignature)]
    [InlineData(VectorId, "1614265330", null)]
    [InlineData("", "1614265330", VectorSignature)]
    [InlineData(VectorId, " ", VectorSignature)]
    public void Missing_headers_are_reported_as_such(string? id, string? timestamp, string? signature)
    {
        var result = StandardWebhook.Verify(Secrets(VectorSecret), id, timestamp, signature, VectorBody, VectorTime);
        Assert.Equal(WebhookVerification.MissingHeaders, result);
    }

    [Theory]
    [InlineData("2021-02-25T15:02:10Z")]
    [InlineData("1614265330.5")]
    [InlineData("-1614265330")]
    [InlineData(" 1614265330")]
    [InlineData("99999999999999999999999")]
    public void Malformed_timestamps_are_reported_as_such(string timestamp)
    {
        var result = StandardWebhook.Verify(Secrets(VectorSecret), VectorId, timestamp, VectorSignature, VectorBody, VectorTime);
        Assert.Equal(WebhookVerification.MalformedTimestamp, result);
    }

    [Fact]
    public void A_freshly_signed_message_round_trips()
    {
        var secrets = Secrets(NewSecret());
        var now = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
        var body = Encoding.UTF8.GetBytes("{\"type\":\"order.created\",\"data\":{\"orderId\":\"o-1\"}}");
        var signature = StandardWebhook.Sign(secrets[0], "evt_1", now.ToUnixTimeSeconds(), body);
        Assert.Equal(WebhookVerification.Valid, StandardWebhook.Verify(secrets, "evt_1", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), signature, body, now.AddMinutes(4)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void An_empty_setting_is_an_error_naming_the_setting(string? value)
    {
        Assert.False(StandardWebhook.TryParseSecrets(value, "Webhooks__Payments__Secret", out var secrets, out var error));
        Assert.Empty(secrets);
        Assert.StartsWith("Setting Webhooks__Payments__Secret is empty", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "does not start with 'whsec_'")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La%%Sw", "is not 'whsec_' followed by base64")]
    [InlineData("whsec_c2hvcnQ=", "holds 5 key bytes")]
    public void An_invalid_secret_is_an_error_that_names_the_setting_and_never_echoes_the_secret(string bad, string problem)
    {
        var value = $"{VectorSecret} {bad}";
        var error = Assert.Throws<FormatException>(() => StandardWebhook.ParseSecrets(value, "Webhooks__Orders__Secret")).Message;
        Assert.StartsWith("Setting Webhooks__Orders__Secret: secret 2 of 2 ", error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
        Assert.DoesNotContain(bad.Replace("whsec_", "", StringComparison.Ordinal), error, StringComparison.Ordinal);
        Assert.DoesNotContain("MfKQ9r8G", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_never_shows_its_key_as_text()
    {
        Assert.Equal("whsec_***", Secrets(VectorSecret)[0].ToString());
    }
}
