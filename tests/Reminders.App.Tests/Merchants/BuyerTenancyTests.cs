using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Buyers;
using Reminders.App.Delivery;
using Reminders.App.Dispatch;
using Reminders.App.Orders;
using Reminders.App.Tests.Delivery;
using Reminders.App.Tests.Support;
using static Reminders.App.Tests.Merchants.MerchantApi;

namespace Reminders.App.Tests.Merchants;

/// <summary>Two merchants that reuse a buyer id: opt-outs, the daily cap and unsubscribe links stay with each merchant's buyer.</summary>
[Collection(DeliveryCollection.Name)]
public sealed class BuyerTenancyTests(DeliveryEnvironment environment)
{
    [Fact]
    public async Task An_opt_out_at_one_merchant_does_not_silence_the_same_buyer_id_at_another()
    {
        using var app = new DeliveryApp(environment);
        var (merchantA, merchantB, buyerId) = (NewMerchantId(), NewMerchantId(), DeliveryApp.NewBuyerId());
        var (orderA, orderB) = (ReminderAppFactory.NewOrderId(), ReminderAppFactory.NewOrderId());
        using var optOut = await app.Admin.PostAsJsonAsync("/api/admin/optouts", new { merchantId = merchantA, buyerId, channel = "sms", optedOut = true });
        Assert.Equal(HttpStatusCode.OK, optOut.StatusCode);

        // Step 1 is due at once: each order is dispatched as it arrives.
        await app.CreateOrderAsync(orderA, buyerId, DeliveryApp.NewPhone(), email: null, merchantId: merchantA);
        await app.CreateOrderAsync(orderB, buyerId, DeliveryApp.NewPhone(), email: null, merchantId: merchantB);

        Assert.Equal(ReminderStatus.Suppressed, (await app.ReminderAsync(orderA, "payment_due.1")).Status);
        Assert.Equal(ReminderStatus.Enqueued, (await app.ReminderAsync(orderB, "payment_due.1")).Status);
        using var otherBuyer = await app.Admin.GetAsync($"/api/admin/buyers/{buyerId}?merchantId={merchantB}");
        Assert.Empty((await otherBuyer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("optedOut").EnumerateArray());
    }

    [Fact]
    public async Task The_daily_cap_counts_a_buyer_id_per_merchant()
    {
        using var app = new DeliveryApp(environment, new Dictionary<string, string?> { ["Reminders__BuyerDailyCap"] = "1" });
        var buyerId = DeliveryApp.NewBuyerId();
        var orders = new[] { (NewMerchantId(), ReminderAppFactory.NewOrderId()), (NewMerchantId(), ReminderAppFactory.NewOrderId()) };
        foreach (var (merchantId, orderId) in orders) await app.CreateOrderAsync(orderId, buyerId, DeliveryApp.NewPhone(), email: null, merchantId: merchantId);

        await app.SweepAsync(Sweep.PaymentDue);

        foreach (var (_, orderId) in orders) Assert.Equal(ReminderStatus.Enqueued, (await app.ReminderAsync(orderId, "payment_due.1")).Status);
    }

    [Fact]
    public async Task With_global_buyer_ids_an_opt_out_covers_the_buyer_at_every_merchant()
    {
        using var app = new DeliveryApp(environment, new Dictionary<string, string?> { ["Buyers__GlobalIds"] = "true" });
        var buyerId = DeliveryApp.NewBuyerId();
        var orders = new[] { (NewMerchantId(), ReminderAppFactory.NewOrderId()), (NewMerchantId(), ReminderAppFactory.NewOrderId()) };
        using var optOut = await app.Admin.PostAsJsonAsync("/api/admin/optouts", new { buyerId, channel = "sms", optedOut = true });
        Assert.Equal(HttpStatusCode.OK, optOut.StatusCode);

        foreach (var (merchantId, orderId) in orders) await app.CreateOrderAsync(orderId, buyerId, DeliveryApp.NewPhone(), email: null, merchantId: merchantId);

        foreach (var (_, orderId) in orders) Assert.Equal(ReminderStatus.Suppressed, (await app.ReminderAsync(orderId, "payment_due.1")).Status);
    }

    [Fact]
    public async Task An_unsubscribe_link_is_signed_over_its_merchant_and_opts_out_there_only()
    {
        using var app = new DeliveryApp(environment);
        var (merchantA, merchantB, buyerId) = (NewMerchantId(), NewMerchantId(), DeliveryApp.NewBuyerId());
        var buyers = app.Services.GetRequiredService<BuyerStore>();
        var links = app.Services.GetRequiredService<UnsubscribeLinks>();

        using var unsubscribed = await app.Client.PostAsync(links.LinkFor(buyers.KeyOf(merchantA, buyerId)).PathAndQuery, new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.OK, unsubscribed.StatusCode);

        Assert.Equal(["email"], (await buyers.GetAsync(buyers.KeyOf(merchantA, buyerId), CancellationToken.None)).OptedOut.Select(c => c.ToString().ToLowerInvariant()));
        Assert.Empty((await buyers.GetAsync(buyers.KeyOf(merchantB, buyerId), CancellationToken.None)).OptedOut);
    }

    [Fact]
    public async Task A_link_signed_before_buyers_were_kept_per_merchant_is_refused_naming_the_token()
    {
        using var app = new DeliveryApp(environment);
        var unscoped = app.Services.GetRequiredService<UnsubscribeLinks>().LinkFor(DeliveryApp.NewBuyerId());

        using var refused = await app.Client.PostAsync(unscoped.PathAndQuery, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("token", await FieldAsync(refused));
    }
}
