using System.Globalization;
using Reminders.Core.Orders;
using Reminders.Core.Settings;
using Reminders.Core.Throttling;

namespace Reminders.App.Merchants;

/// <summary>One merchant's rules with the global settings underneath: what plans its orders and what throttles their sending.</summary>
public sealed record EffectivePolicy(ReminderSettings Settings, ThrottleSettings Throttle);

/// <summary>
/// The rules a merchant's orders follow: its policy (Merchants table) over the global Reminders__* settings, field by
/// field. Planning takes the policy version in force when the order was created, so a change never re-plans orders
/// placed before it; sending (channel order, quiet hours, interval, daily cap) takes the policy in force now.
/// </summary>
public sealed class MerchantPolicies(MerchantCatalog catalog, ReminderSettings global, ThrottleSettings globalThrottle, TimeProvider time)
{
    /// <summary>What plans an order: read once per call, so planning itself needs no storage request.</summary>
    public async ValueTask<Func<Order, ReminderSettings>> PlanningAsync(CancellationToken cancellationToken)
    {
        var merchants = await catalog.GetAsync(cancellationToken);
        var now = time.GetUtcNow();
        return order => Planning(merchants, order, now);
    }

    /// <summary>The settings <paramref name="order"/> was planned with (see <see cref="PlanningAsync"/>).</summary>
    public async ValueTask<ReminderSettings> ForOrderAsync(Order order, CancellationToken cancellationToken) =>
        Planning(await catalog.GetAsync(cancellationToken), order, time.GetUtcNow());

    /// <summary>The merchant's policy in force now over the global settings.</summary>
    public async ValueTask<EffectivePolicy> CurrentAsync(string? merchantId, CancellationToken cancellationToken)
    {
        var entry = merchantId is null ? null : (await catalog.GetAsync(cancellationToken)).GetValueOrDefault(merchantId);
        return Current(entry);
    }

    /// <summary>The merchant's policy (none when null) over the global settings.</summary>
    public EffectivePolicy Current(MerchantEntry? entry)
    {
        var policy = entry?.Policy ?? MerchantPolicy.None;
        var zone = entry?.TimeZone;
        return new EffectivePolicy(
            policy.Over(global) with { DefaultTimeZone = zone ?? global.DefaultTimeZone },
            policy.Over(globalThrottle) with { DefaultTimeZoneId = zone ?? globalThrottle.DefaultTimeZoneId });
    }

    private ReminderSettings Planning(IReadOnlyDictionary<string, MerchantEntry> merchants, Order order, DateTimeOffset now)
    {
        if (order.MerchantId is null || !merchants.TryGetValue(order.MerchantId, out var entry)) return global;
        var settings = global with { DefaultTimeZone = entry.TimeZone ?? global.DefaultTimeZone };
        if (entry.PolicyAt(order.CreatedAt ?? now) is not { } version) return settings;
        return version.Policy.Over(settings) with
        {
            Source = $"merchant {entry.MerchantId}'s policy of {version.EffectiveFrom.ToString("u", CultureInfo.InvariantCulture)}",
        };
    }
}
