using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Buyers;
using Reminders.App.Delivery;
using Reminders.App.Functions;
using Reminders.App.Orders;
using Reminders.App.Tests.Support;
using Reminders.Core.Notifications;

namespace Reminders.App.Tests.Delivery;

/// <summary>Opt-outs by operators, by SMS STOP and by the one-click unsubscribe link, honoured by messages already queued.</summary>
[Collection(DeliveryCollection.Name)]
public sealed class OptOutTests(DeliveryEnvironment environment)
{
    private const string InboundPath = "/api/sms/inbound/twilio";

    [Fact]
    public async Task An_admin_opt_out_suppresses_an_sms_already_on_its_queue()
    {
        await using var twilio = await ProviderStubs.TwilioAsync();
        using var app = new DeliveryApp(environment, ProviderStubs.TwilioSettings(twilio));
        var orderId = ReminderAppFactory.NewOrderId();
        var buyerId = DeliveryApp.NewBuyerId();
        await app.CreateOrderAsync(orderId, buyerId, DeliveryApp.NewPhone(), email: null);
        await app.SweepAsync(Sweep.PaymentDue);
        var queued = await app.MessageForAsync(orderId, "payment_due.1");

        using var optOut = await app.Admin.PostAsJsonAsync("/api/admin/optouts", new { merchantId = "m-1", buyerId, channel = "sms", optedOut = true });
        Assert.Equal(HttpStatusCode.OK, optOut.StatusCode);
        await app.RunAsync<SendSms>(queued);

        Assert.Empty(ProviderStubs.SmsSends(twilio));
        var row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.Equal((ReminderStatus.Suppressed, "opted_out"), (row.Status, row.Reason));
        Assert.Contains(await app.TimelineAsync(orderId), t => t.Type == TimelineTypes.Suppressed && t.Reason == "opted_out" && t.Channel == "sms");
        var buyer = await app.Admin.GetFromJsonAsync<JsonElement>($"/api/admin/buyers/{buyerId}?merchantId=m-1");
        Assert.Equal(["sms"], buyer.GetProperty("optedOut").EnumerateArray().Select(c => c.GetString()));

        using var back = await app.Admin.PostAsJsonAsync("/api/admin/optouts", new { merchantId = "m-1", buyerId, channel = "sms", optedOut = false });
        Assert.Empty((await back.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("optedOut").EnumerateArray());
    }

    [Fact]
    public async Task The_admin_opt_out_api_names_the_bad_field_and_needs_the_admin_key()
    {
        using var app = new DeliveryApp(environment);
        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { merchantId = "m-1", channel = "sms", optedOut = true }, "buyerId"),
            (new { buyerId = "b-1", channel = "sms", optedOut = true }, "merchantId"),
            (new { merchantId = "m 1", buyerId = "b-1", channel = "sms", optedOut = true }, "merchantId"),
            (new { merchantId = "m-1", buyerId = "b-1", channel = "fax", optedOut = true }, "channel"),
            (new { merchantId = "m-1", buyerId = "b-1", channel = "sms" }, "optedOut"),
        })
        {
            using var response = await app.Admin.PostAsJsonAsync("/api/admin/optouts", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        using var anonymous = await app.Client.PostAsJsonAsync("/api/admin/optouts", new { buyerId = "b-1", channel = "sms", optedOut = true });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var unknown = await app.Admin.GetAsync($"/api/admin/buyers/{DeliveryApp.NewBuyerId()}?merchantId=m-1");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_twilio_stop_with_a_valid_signature_suppresses_a_queued_sms_and_start_opts_back_in()
    {
        await using var twilio = await ProviderStubs.TwilioAsync();
        using var app = new DeliveryApp(environment, ProviderStubs.TwilioSettings(twilio));
        var orderId = ReminderAppFactory.NewOrderId();
        var phone = DeliveryApp.NewPhone();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), phone, email: null);
        await app.SweepAsync(Sweep.PaymentDue);
        var queued = await app.MessageForAsync(orderId, "payment_due.1");

        using var stop = await app.Client.SendAsync(Inbound(phone, "  stop "));
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        Assert.Equal("text/xml", stop.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<Response></Response>", await stop.Content.ReadAsStringAsync());
        await app.RunAsync<SendSms>(queued);

        Assert.Empty(ProviderStubs.SmsSends(twilio));
        Assert.Equal((ReminderStatus.Suppressed, "opted_out"), ((await app.ReminderAsync(orderId, "payment_due.1")).Status, (await app.ReminderAsync(orderId, "payment_due.1")).Reason));

        var buyers = app.Services.GetRequiredService<BuyerStore>();
        Assert.True(await buyers.IsContactOptedOutAsync(Channel.Sms, phone, CancellationToken.None));
        using var start = await app.Client.SendAsync(Inbound(phone, "START"));
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        Assert.False(await buyers.IsContactOptedOutAsync(Channel.Sms, phone, CancellationToken.None));
        using var chinese = await app.Client.SendAsync(Inbound(phone, "退订"));
        Assert.True(await buyers.IsContactOptedOutAsync(Channel.Sms, phone, CancellationToken.None));
    }

    [Fact]
    public async Task A_twilio_request_with_a_bad_signature_is_refused_and_changes_nothing()
    {
        using var app = new DeliveryApp(environment, new Dictionary<string, string?> { ["Channels__Sms__Twilio__AuthToken"] = DeliveryApp.TwilioAuthToken });
        var phone = DeliveryApp.NewPhone();

        var forged = Inbound(phone, "STOP", authToken: "not-the-auth-token");
        using var response = await app.Client.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var tampered = Inbound(phone, "START");
        tampered.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["From"] = phone, ["Body"] = "STOP", ["To"] = "+15005550006", ["MessageSid"] = "SM1" });
        using var tamperedResponse = await app.Client.SendAsync(tampered);
        Assert.Equal(HttpStatusCode.Forbidden, tamperedResponse.StatusCode);
        using var unsigned = await app.Client.PostAsync(InboundPath, new FormUrlEncodedContent(new Dictionary<string, string> { ["From"] = phone, ["Body"] = "STOP" }));
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);

        Assert.False(await app.Services.GetRequiredService<BuyerStore>().IsContactOptedOutAsync(Channel.Sms, phone, CancellationToken.None));
    }

    [Fact]
    public void The_twilio_signature_matches_an_independent_example()
    {
        // From a published example of Twilio's scheme (URL with query, five parameters, auth token 12345).
        var parameters = new Dictionary<string, string>
        {
            ["CallSid"] = "CA1234567890ABCDE",
            ["Caller"] = "+12349013030",
            ["Digits"] = "1234",
            ["From"] = "+12349013030",
            ["To"] = "+18005551212",
        };
        Assert.Equal("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", TwilioRequestSignature.Compute("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", parameters));
    }

    [Fact]
    public void A_twilio_signature_with_characters_added_or_cut_is_not_valid()
    {
        var parameters = new Dictionary<string, string> { ["From"] = "+12349013030", ["Body"] = "STOP" };
        var signature = TwilioRequestSignature.Compute("12345", "https://example.com/api/sms/inbound/twilio", parameters);

        Assert.True(TwilioRequestSignature.IsValid("12345", "https://example.com/api/sms/inbound/twilio", parameters, signature));
        foreach (var changed in new[] { signature + "A", signature[..^1], signature[..8] })
        {
            Assert.False(TwilioRequestSignature.IsValid("12345", "https://example.com/api/sms/inbound/twilio", parameters, changed));
        }
    }

    [Fact]
    public async Task Every_email_carries_a_signed_one_click_unsubscribe_that_opts_the_buyer_out_of_email()
    {
        using var app = new DeliveryApp(environment, new Dictionary<string, string?>
        {
            ["Reminders__Channels"] = "email,sms,push",
            ["Reminders__PublicBaseUrl"] = "https://reminders.example.com",
            ["Channels__Email__Provider"] = "smtp",
            ["Channels__Email__From"] = "Shop Reminders <reminders@shop.example.com>",
            ["Channels__Email__Smtp__Host"] = "127.0.0.1",
            ["Channels__Email__Smtp__Port"] = environment.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var orderId = ReminderAppFactory.NewOrderId();
        var buyerId = DeliveryApp.NewBuyerId();
        var email = DeliveryApp.NewEmail();
        await app.CreateOrderAsync(orderId, buyerId, phone: null, email);
        await app.SweepAsync(Sweep.PaymentDue);

        await app.RunAsync<SendEmail>(await app.MessageForAsync(orderId, "payment_due.1"));

        var received = await environment.WaitForEmailToAsync(email);
        Assert.Contains(orderId, received.GetProperty("subject").GetString());
        var headers = received.GetProperty("headers");
        Assert.Equal("List-Unsubscribe=One-Click", headers.GetProperty("list-unsubscribe-post").GetString());
        var listUnsubscribe = headers.GetProperty("list-unsubscribe").GetString()!;
        Assert.StartsWith("<https://reminders.example.com/api/unsubscribe?token=", listUnsubscribe);
        Assert.EndsWith(">", listUnsubscribe);
        var link = new Uri(listUnsubscribe.Trim('<', '>'));
        Assert.Contains(link.AbsoluteUri, received.GetProperty("text").GetString());
        var row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.Equal(ReminderStatus.Sent, row.Status);
        Assert.StartsWith("<", row.ProviderMessageId);

        // The link's page asks first; a GET changes nothing.
        using var page = await app.Client.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync());
        Assert.Empty((await app.Services.GetRequiredService<BuyerStore>().GetAsync("m-1|" + buyerId, CancellationToken.None)).OptedOut);

        // The mail client's one-click POST (RFC 8058).
        using var oneClick = await app.Client.PostAsync(link.PathAndQuery,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        var buyer = await app.Admin.GetFromJsonAsync<JsonElement>($"/api/admin/buyers/{buyerId}?merchantId=m-1");
        Assert.Equal(["email"], buyer.GetProperty("optedOut").EnumerateArray().Select(c => c.GetString()));

        // A forged or damaged token is refused, naming the token.
        var token = System.Web.HttpUtility.ParseQueryString(link.Query)["token"]!;
        var otherSecret = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Unsubscribe:Secret", "not-the-unsubscribe-secret")]).Build();
        var forged = new UnsubscribeLinks(app.Services.GetRequiredService<DeliverySettings>(), UnsubscribeSecrets.Read(otherSecret)).TokenFor("m-1|" + buyerId);
        foreach (var bad in new[] { forged, token[..^2], "", "abc" })
        {
            using var refused = await app.Client.PostAsync($"/api/unsubscribe?token={Uri.EscapeDataString(bad)}", new FormUrlEncodedContent([]));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("token", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }

        // The next email reminder of this buyer is suppressed.
        var second = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(second, buyerId, phone: null, email);
        await app.SweepAsync(Sweep.PaymentDue);
        var secondRow = await app.ReminderAsync(second, "payment_due.1");
        if (secondRow.Status == ReminderStatus.Enqueued)
        {
            await app.RunAsync<SendEmail>(await app.MessageForAsync(second, "payment_due.1"));
            secondRow = await app.ReminderAsync(second, "payment_due.1");
        }
        Assert.Equal((ReminderStatus.Suppressed, "opted_out"), (secondRow.Status, secondRow.Reason));
        Assert.Equal(1, await environment.CountEmailsToAsync(email));
    }

    private static HttpRequestMessage Inbound(string from, string body, string authToken = DeliveryApp.TwilioAuthToken)
    {
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"),
            ["AccountSid"] = "AC00000000000000000000000000000001",
            ["From"] = from,
            ["To"] = "+15005550006",
            ["Body"] = body,
            ["NumMedia"] = "0",
        };
        // Twilio signs the public URL it called: Reminders__PublicBaseUrl (default http://localhost:7071) and the path.
        var signature = TwilioRequestSignature.Compute(authToken, "http://localhost:7071" + InboundPath, form);
        var request = new HttpRequestMessage(HttpMethod.Post, InboundPath) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioRequestSignature.Header, signature);
        return request;
    }
}
