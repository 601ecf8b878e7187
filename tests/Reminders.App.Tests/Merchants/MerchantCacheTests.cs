using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Reminders.App.Merchants;
using Reminders.App.Orders;
using Reminders.App.Tests.Dispatch;
using Reminders.App.Tests.Support;
using Reminders.Core.Notifications;
using static Reminders.App.Tests.Merchants.MerchantApi;

namespace Reminders.App.Tests.Merchants;

/// <summary>
/// Two instances of the app on one Azurite, each with its own clock: a change made through one is used by the other
/// once its cached copy is MerchantStore__CacheLifetime old (10 s), and until then the other reads no merchant from storage.
/// </summary>
public sealed class MerchantCacheTests(PrivateAzurite azurite) : IClassFixture<PrivateAzurite>
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_policy_stored_on_one_instance_plans_orders_on_another_within_the_cache_lifetime()
    {
        var start = DateTimeOffset.UtcNow;
        using var writer = new DispatchApp(azurite.ConnectionString, time: new FakeTimeProvider(start));
        using var reader = new DispatchApp(azurite.ConnectionString, time: new FakeTimeProvider(start));
        var merchantId = NewMerchantId();
        var policies = reader.Services.GetRequiredService<MerchantPolicies>();
        Assert.Equal([Channel.Push, Channel.Sms, Channel.Email], (await policies.CurrentAsync(merchantId, CancellationToken.None)).Settings.Channels);

        using var admin = writer.Factory.CreateAdminClient();
        using var stored = await PutAsync(admin, merchantId, new { policy = new { paymentDueSteps = new[] { "00:10:00" }, channels = new[] { "email" } } });
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);

        // Within the lifetime the other instance still uses its copy, and a webhook there reads no merchant.
        reader.Time.Advance(Lifetime - TimeSpan.FromSeconds(1));
        reader.Recorder.Clear();
        var early = await PostOrderAsync(reader, merchantId);
        Assert.DoesNotContain(reader.Recorder.Requests, ReadsMerchants);
        Assert.Equal(3, await PaymentDueCountAsync(reader, early));

        reader.Time.Advance(TimeSpan.FromSeconds(1));
        reader.Recorder.Clear();
        Assert.Equal([Channel.Email], (await policies.CurrentAsync(merchantId, CancellationToken.None)).Settings.Channels);
        Assert.Single(reader.Recorder.Requests, ReadsMerchants);
        var late = await PostOrderAsync(reader, merchantId);
        Assert.Equal(1, await PaymentDueCountAsync(reader, late));
    }

    private static bool ReadsMerchants(RecordedRequest request) => request.Path.Contains("/" + ReminderStorage.MerchantsTable, StringComparison.Ordinal);

    private static async Task<string> PostOrderAsync(DispatchApp app, string merchantId)
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = app.Factory.CreateClient();
        using var response = await client.SendAsync(SignedWebhook.Order(SignedWebhook.OrderCreated(orderId, at: app.Time.GetUtcNow(), merchantId: merchantId)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return orderId;
    }

    private static async Task<int> PaymentDueCountAsync(DispatchApp app, string orderId) =>
        (await app.SnapshotAsync(orderId)).Reminders.Count(r => r.Kind == ReminderKind.PaymentDue);
}
