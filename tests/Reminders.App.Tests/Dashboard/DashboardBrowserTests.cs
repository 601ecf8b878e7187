using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Reminders.App.Tests.Support;

namespace Reminders.App.Tests.Dashboard;

/// <summary>The dashboard page in a real browser, served by the app on Kestrel.</summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private readonly Chromium _chromium = new();
    private ReminderAppFactory _app = null!;
    private string _baseUrl = "";

    public async Task InitializeAsync()
    {
        _app = new ReminderAppFactory(new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" });
        _app.UseKestrel();
        _app.StartServer();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        _baseUrl = addresses.First(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal));
        await _chromium.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Without_the_key_the_page_is_refused()
    {
        var page = await _chromium.Context.NewPageAsync();
        var response = await page.GotoAsync(_baseUrl + "/dashboard");
        Assert.NotNull(response);
        Assert.Equal((int)HttpStatusCode.Unauthorized, response.Status);
        Assert.DoesNotContain("Order timeline", await page.ContentAsync(), StringComparison.Ordinal);

        var wrong = await page.GotoAsync(_baseUrl + "/dashboard?code=not-the-key");
        Assert.Equal((int)HttpStatusCode.Unauthorized, wrong!.Status);
    }

    [Fact]
    public async Task With_the_key_it_shows_a_posted_orders_timeline()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using (var http = new HttpClient { BaseAddress = new Uri(_baseUrl) })
        {
            var posted = await http.SendAsync(SignedWebhook.Order(SignedWebhook.OrderCreated(orderId, buyerId: "b-" + orderId, phone: "+8613800138000", email: "buyer@example.com")));
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        var page = await _chromium.Context.NewPageAsync();
        var problems = new List<string>();
        // Script errors and Content-Security-Policy violations; 404 answers of the API (unknown order) are expected.
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)) problems.Add(message.Text);
        };
        page.PageError += (_, error) => problems.Add(error);

        var response = await page.GotoAsync(_baseUrl + "/dashboard?code=" + ReminderAppFactory.AdminKey);
        Assert.Equal((int)HttpStatusCode.OK, response!.Status);
        Assert.DoesNotContain("code=", page.Url, StringComparison.Ordinal); // the key left the address bar

        // The overview panels load with the key the page was opened with.
        await page.Locator("#queues table").WaitForAsync();
        Assert.Contains("reminders-sms", await page.Locator("#queues").InnerTextAsync(), StringComparison.Ordinal);
        await page.Locator("#attention table").First.WaitForAsync(); // a second table lists failed reminders when there are any
        Assert.Contains("PaymentDue", await page.Locator("#attention").InnerTextAsync(), StringComparison.Ordinal);

        await page.Locator("#order-search").FillAsync(orderId);
        await page.Locator("#order-search-button").ClickAsync();
        var rows = page.Locator("#timeline tbody tr");
        await rows.First.WaitForAsync();
        var timeline = await page.Locator("#timeline").InnerTextAsync();
        Assert.True(await rows.CountAsync() >= 2, timeline);
        Assert.Contains("event_applied", timeline, StringComparison.Ordinal);
        Assert.Contains("order.created", timeline, StringComparison.Ordinal);
        Assert.Contains("reminder_planned", timeline, StringComparison.Ordinal);
        Assert.True(await rows.First.IsVisibleAsync());
        Assert.Equal("pending_payment", (await page.Locator("#order-state").InnerTextAsync()).Trim());
        Assert.Contains("payment_due.1", await page.Locator("#reminders").InnerTextAsync(), StringComparison.Ordinal);

        // Contacts are shown masked only.
        var text = await page.Locator("body").InnerTextAsync();
        Assert.DoesNotContain("+8613800138000", text, StringComparison.Ordinal);
        Assert.DoesNotContain("buyer@example.com", text, StringComparison.Ordinal);
        Assert.Contains("b***@example.com", text, StringComparison.Ordinal);

        // The order's buyer: opt them out of SMS from the page, through POST /api/admin/optouts.
        var buyerId = "b-" + orderId;
        await page.Locator("#buyer-result [data-state=sms]").WaitForAsync();
        Assert.Equal("receives reminders", await page.Locator("#buyer-result [data-state=sms]").InnerTextAsync());
        await page.Locator("#buyer-result button[data-channel=sms]").ClickAsync();
        await page.Locator("#buyer-result [data-state=sms].bad").WaitForAsync();
        Assert.Equal("opted out", await page.Locator("#buyer-result [data-state=sms]").InnerTextAsync());
        Assert.Equal("receives reminders", await page.Locator("#buyer-result [data-state=email]").InnerTextAsync());
        using (var admin = new HttpClient { BaseAddress = new Uri(_baseUrl) })
        {
            admin.DefaultRequestHeaders.Add("x-functions-key", ReminderAppFactory.AdminKey);
            var buyer = System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync("/api/admin/buyers/" + buyerId + "?merchantId=m-1")).RootElement;
            Assert.Equal(["sms"], buyer.GetProperty("optedOut").EnumerateArray().Select(c => c.GetString()!).ToArray());
        }

        // An unknown order says so instead of showing a stale timeline.
        await page.Locator("#order-search").FillAsync(ReminderAppFactory.NewOrderId());
        await page.Locator("#order-search-button").ClickAsync();
        await page.Locator("#order-error").WaitForAsync();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task It_lists_merchants_and_edits_a_profile_and_policy()
    {
        // "0-" sorts before the other tests' merchants, so this one is on the first page.
        var merchantId = "0-" + Guid.NewGuid().ToString("N")[..12];
        using var admin = new HttpClient { BaseAddress = new Uri(_baseUrl) };
        admin.DefaultRequestHeaders.Add("x-functions-key", ReminderAppFactory.AdminKey);
        using (var created = await Merchants.MerchantApi.PutAsync(admin, merchantId, new { name = "Acme", policy = new { minInterval = "01:00:00" } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var (page, problems) = await OpenDashboardAsync();

        await page.Locator($"#merchant-list [data-merchant='{merchantId}']").ClickAsync();
        await page.Locator("#merchant-effective [data-field=channels]").WaitForAsync();
        Assert.Equal("Acme", await page.Locator("#m-name").InputValueAsync());
        Assert.Contains("minInterval", await page.Locator("#m-policy").InputValueAsync(), StringComparison.Ordinal);

        await page.Locator("#m-name").FillAsync("Acme Furniture");
        await page.Locator("#m-policy").FillAsync("""{"confirmReceiptSteps": ["10.00:00:00"], "confirmReceiptAutoConfirmAfter": "14.00:00:00", "channels": ["email", "sms"]}""");
        await page.Locator("#m-save").ClickAsync();
        await page.Locator("#m-status.ok").WaitForAsync();
        await page.Locator("#merchant-effective [data-field=channels]:text-is('email, sms')").WaitForAsync();

        var stored = System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync($"/api/merchants/{merchantId}")).RootElement;
        Assert.Equal("Acme Furniture", stored.GetProperty("name").GetString());
        Assert.Equal(["10.00:00:00"], stored.GetProperty("policy").GetProperty("confirmReceiptSteps").EnumerateArray().Select(s => s.GetString()!).ToArray());
        Assert.False(stored.GetProperty("policy").TryGetProperty("minInterval", out _));

        // A bad value is refused naming the field; a change made elsewhere since the form was loaded is not overwritten.
        await page.Locator("#m-policy").FillAsync("""{"buyerDailyCap": 0}""");
        await page.Locator("#m-save").ClickAsync();
        await page.Locator("#m-status.bad").WaitForAsync();
        Assert.Contains("policy.buyerDailyCap", await page.Locator("#m-status").InnerTextAsync(), StringComparison.Ordinal);
        using (var elsewhere = await Merchants.MerchantApi.PutAsync(admin, merchantId, new { name = "Renamed elsewhere" }))
        {
            Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        }
        await page.Locator("#m-policy").FillAsync("");
        await page.Locator("#m-save").ClickAsync();
        await page.Locator("#m-status:has-text('Changed elsewhere')").WaitForAsync();
        Assert.Equal("Renamed elsewhere", System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync($"/api/merchants/{merchantId}")).RootElement.GetProperty("name").GetString());

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task A_new_merchant_is_added_from_the_page()
    {
        var merchantId = "0-" + Guid.NewGuid().ToString("N")[..12];
        var (page, problems) = await OpenDashboardAsync();
        await page.Locator("#merchant-list table, #merchant-list p").First.WaitForAsync();

        await page.Locator("#merchant-new").ClickAsync();
        await page.Locator("#m-id").FillAsync(merchantId);
        await page.Locator("#m-name").FillAsync("Fresh Goods");
        await page.Locator("#m-policy").FillAsync("""{"paymentDueSteps": ["00:10:00"]}""");
        await page.Locator("#m-save").ClickAsync();
        await page.Locator("#m-status.ok").WaitForAsync();

        await page.Locator($"#merchant-list [data-merchant='{merchantId}']").WaitForAsync();
        Assert.Equal("00:10:00", await page.Locator("#merchant-effective [data-field=paymentDueSteps]").InnerTextAsync());
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>The dashboard opened with the admin key; script errors and CSP violations are collected (404 answers are expected).</summary>
    private async Task<(IPage Page, List<string> Problems)> OpenDashboardAsync()
    {
        var page = await _chromium.Context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)) problems.Add(message.Text);
        };
        page.PageError += (_, error) => problems.Add(error);
        var response = await page.GotoAsync(_baseUrl + "/dashboard?code=" + ReminderAppFactory.AdminKey);
        Assert.Equal((int)HttpStatusCode.OK, response!.Status);
        return (page, problems);
    }
}
