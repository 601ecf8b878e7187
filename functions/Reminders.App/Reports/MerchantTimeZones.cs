using Reminders.App.Merchants;
using Reminders.Core.Throttling;

namespace Reminders.App.Reports;

/// <summary>The zone in which a merchant's report counts its days: its profile's time zone, else Reminders__DefaultTimeZone.</summary>
public sealed class MerchantTimeZones(MerchantPolicies policies)
{
    public async ValueTask<TimeZoneInfo> ForAsync(string merchantId, CancellationToken cancellationToken) =>
        BuyerTimeZones.Resolve(null, (await policies.CurrentAsync(merchantId, cancellationToken)).Settings.DefaultTimeZone);
}
