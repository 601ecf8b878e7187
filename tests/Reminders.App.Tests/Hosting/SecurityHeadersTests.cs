using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Delivery;
using Reminders.App.Hosting;
using Reminders.App.Tests.Support;

namespace Reminders.App.Tests.Hosting;

/// <summary>Every answer of the app is not cached, not sniffed and not framed; pages carry a content security policy.</summary>
public sealed class SecurityHeadersTests : IClassFixture<SecurityHeadersTests.App>
{
    /// <summary>One app for the class (xunit class fixtures need a parameterless constructor).</summary>
    public sealed class App : ReminderAppFactory;

    private readonly App _app;

    public SecurityHeadersTests(App app) => _app = app;

    private static void AssertProtected(HttpResponseMessage response)
    {
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Contains("frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task Admin_json_answers_are_neither_cached_nor_sniffed()
    {
        var client = _app.CreateAdminClient();
        using var outbox = await client.GetAsync($"/api/admin/outbox?orderId={ReminderAppFactory.NewOrderId()}");
        Assert.Equal(HttpStatusCode.OK, outbox.StatusCode);
        AssertProtected(outbox);

        using var missing = await client.GetAsync($"/api/orders/{ReminderAppFactory.NewOrderId()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        AssertProtected(missing);
    }

    [Fact]
    public async Task Answers_the_host_gives_before_any_function_runs_carry_them_too()
    {
        using var unauthorized = await _app.CreateClient().GetAsync("/api/admin/dashboard/queues");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        AssertProtected(unauthorized);

        using var unknown = await _app.CreateClient().GetAsync("/api/no-such-route");
        AssertProtected(unknown);
    }

    [Fact]
    public async Task The_unsubscribe_page_has_a_content_security_policy_that_forbids_framing()
    {
        var token = _app.Services.GetRequiredService<UnsubscribeLinks>().TokenFor("m-1|B-" + Guid.NewGuid().ToString("N")[..8]);
        using var page = await _app.CreateClient().GetAsync($"/api/unsubscribe?token={Uri.EscapeDataString(token)}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        AssertProtected(page);
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, Assert.Single(page.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task The_dashboard_page_keeps_its_own_policy_with_its_nonce()
    {
        using var page = await _app.CreateAdminClient().GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        AssertProtected(page);
        Assert.Contains("script-src 'nonce-", Assert.Single(page.Headers.GetValues("Content-Security-Policy")));
    }
}
