using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Merchants;
using Reminders.App.Tests.Webhooks;
using Reminders.Channels.Webhooks;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Merchants;

/// <summary>Alert webhooks go to public addresses only: by URL when a merchant is stored, by address when the app connects.</summary>
public sealed class WebhookUrlRulesTests(ReminderAppFactoryFixture fixture) : IClassFixture<ReminderAppFactoryFixture>
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.8", false)]
    [InlineData("172.20.1.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("93.184.215.14", true)]
    [InlineData("2606:4700::6810:84e5", true)]
    public void Only_public_addresses_are_public(string address, bool isPublic) =>
        Assert.Equal(isPublic, WebhookUrlRules.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public void Private_urls_are_allowed_when_the_setting_says_so() =>
        Assert.Null(WebhookUrlRules.Problem(new Uri("http://localhost:7071/hooks"), allowPrivate: true));

    [Fact]
    public async Task The_alert_webhook_client_does_not_connect_to_a_loopback_address()
    {
        await using var merchant = await StubServer.StartAsync((_, context) => StubServer.RespondAsync(context, 200, "{}"));
        var client = fixture.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookSender.HttpClientName);

        var refused = await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.PostAsync(new Uri(merchant.BaseUrl, "hooks"), new StringContent("{}")));

        Assert.Contains("public addresses only", refused.ToString());
        Assert.Empty(merchant.Requests);
    }
}
