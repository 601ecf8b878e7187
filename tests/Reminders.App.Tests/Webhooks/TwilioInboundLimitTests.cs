using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reminders.App.Delivery;
using Reminders.App.Functions;
using Reminders.App.Tests.Observability;
using Reminders.App.Tests.Support;

namespace Reminders.App.Tests.Webhooks;

/// <summary>
/// The anonymous Twilio inbound SMS route refuses what is not a Twilio-sized form before it reads it whole or checks
/// its signature, and answers a client error (never a 500) for a form over the field limit.
/// </summary>
public sealed class TwilioInboundLimitTests : IDisposable
{
    private const string InboundPath = "/api/sms/inbound/twilio";
    private const string AuthToken = "twilio-auth-token-for-tests";

    private readonly CapturingLoggerProvider _logs = new();
    private readonly ReminderAppFactory _app;

    public TwilioInboundLimitTests()
    {
        _app = new ReminderAppFactory(
            new Dictionary<string, string?> { ["Channels__Sms__Twilio__AuthToken"] = AuthToken },
            services =>
            {
                WebhookTestKit.WithoutBackgroundTriggers(services);
                services.AddLogging(logging => logging.AddProvider(_logs));
            });
    }

    [Fact]
    public async Task An_unsigned_form_over_64_KiB_is_answered_413_naming_the_body()
    {
        using var client = _app.CreateClient();
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes("Body=" + new string('a', TwilioInboundSms.MaxBodyBytes)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        using var response = await client.PostAsync(InboundPath, content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("body", await FieldAsync(response));
    }

    [Fact]
    public async Task A_signed_form_over_the_field_limit_is_answered_400_naming_the_body_and_logged_as_a_client_error()
    {
        using var client = _app.CreateClient();
        var form = Enumerable.Range(0, 2000).Select(i => new KeyValuePair<string, string>("F" + i, "")).ToList();
        using var request = new HttpRequestMessage(HttpMethod.Post, InboundPath) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioRequestSignature.Header, TwilioRequestSignature.Compute(AuthToken, "http://localhost:7071" + InboundPath, form));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("body", await FieldAsync(response));
        Assert.Contains(_logs.Lines, l => l.StartsWith("Warning Reminders.App.Functions.TwilioInboundSms: Twilio inbound SMS refused with 400", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
    }

    private static async Task<string?> FieldAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString();

    public void Dispose() => _app.Dispose();
}
