using Microsoft.Extensions.Time.Testing;
using Reminders.Channels.Tests.Support;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests;

/// <summary>What the provider HTTP pipelines do in-process: no retry of a call that may have reached the provider, a circuit per provider.</summary>
public sealed class ProviderResilienceTests
{
    private const string Body = """{"type":"reminder.test"}""";
    private static readonly Dictionary<string, string> Headers = new() { ["webhook-id"] = "msg_1" };

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_5xx_goes_back_to_the_queue_without_a_second_call()
    {
        await using var down = await StubServer.StartAsync((_, context) => StubServer.RespondAsync(context, 503, null));
        await using var host = new ChannelsHost(new Dictionary<string, string?>(), _time);

        var result = await host.Get<IWebhookSender>().SendAsync(new WebhookMessage(down.BaseUrl, Body, Headers), CancellationToken.None);

        Assert.IsType<DeliveryResult.TransientFailure>(result);
        Assert.Single(down.Requests);
    }

    [Fact]
    public async Task A_call_that_timed_out_is_not_made_again()
    {
        await using var slow = await StubServer.StartAsync((_, context) => StubServer.HangAsync(context));
        await using var host = new ChannelsHost(new Dictionary<string, string?>(), _time);

        var result = await _time.AdvanceUntilDoneAsync(
            host.Get<IWebhookSender>().SendAsync(new WebhookMessage(slow.BaseUrl, Body, Headers), CancellationToken.None));

        Assert.Equal(new DeliveryResult.TransientFailure("timeout"), result);
        Assert.Single(slow.Requests);
    }

    [Fact]
    public async Task After_repeated_failures_the_circuit_opens_and_the_provider_is_left_alone()
    {
        await using var down = await StubServer.StartAsync((_, context) => StubServer.RespondAsync(context, 503, null));
        await using var host = new ChannelsHost(new Dictionary<string, string?>(), _time);
        var sender = host.Get<IWebhookSender>();

        for (var i = 0; i < 10; i++) await sender.SendAsync(new WebhookMessage(down.BaseUrl, Body, Headers), CancellationToken.None);
        var result = await sender.SendAsync(new WebhookMessage(down.BaseUrl, Body, Headers), CancellationToken.None);

        var failure = Assert.IsType<DeliveryResult.TransientFailure>(result);
        Assert.Contains("circuit open", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(30), failure.RetryAfter);
        Assert.Equal(10, down.Requests.Count);
    }

    [Fact]
    public async Task One_merchants_open_circuit_leaves_another_merchant_alone()
    {
        await using var down = await StubServer.StartAsync((_, context) => StubServer.RespondAsync(context, 503, null));
        await using var up = await StubServer.StartAsync((_, context) => StubServer.RespondAsync(context, 204, null));
        await using var host = new ChannelsHost(new Dictionary<string, string?>(), _time);
        var sender = host.Get<IWebhookSender>();

        for (var i = 0; i < 11; i++) await sender.SendAsync(new WebhookMessage(down.BaseUrl, Body, Headers), CancellationToken.None);
        var result = await sender.SendAsync(new WebhookMessage(up.BaseUrl, Body, Headers), CancellationToken.None);

        Assert.Equal(new DeliveryResult.Sent("msg_1"), result);
        Assert.Equal(10, down.Requests.Count);
    }

    [Fact]
    public async Task The_circuit_closes_again_once_the_provider_answers_after_the_break()
    {
        var failing = true;
        await using var flaky = await StubServer.StartAsync((_, context) => StubServer.RespondAsync(context, failing ? 503 : 204, null));
        await using var host = new ChannelsHost(new Dictionary<string, string?>(), _time);
        var sender = host.Get<IWebhookSender>();
        for (var i = 0; i < 10; i++) await sender.SendAsync(new WebhookMessage(flaky.BaseUrl, Body, Headers), CancellationToken.None);

        failing = false;
        _time.Advance(TimeSpan.FromSeconds(31));
        var result = await sender.SendAsync(new WebhookMessage(flaky.BaseUrl, Body, Headers), CancellationToken.None);

        Assert.IsType<DeliveryResult.Sent>(result);
        Assert.Equal(11, flaky.Requests.Count);
    }
}
