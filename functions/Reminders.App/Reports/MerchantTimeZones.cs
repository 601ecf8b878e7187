using Reminders.Core.Settings;
using Reminders.Core.Throttling;

namespace Reminders.App.Reports;

/// <summary>The zone in which a merchant's report counts its days.</summary>
public sealed class MerchantTimeZones(ReminderSettings settings)
{
    /// <summary>
    /// Merchants have no zone of their own yet (issue #16 gives them a default time zone): until then every merchant's
    /// days are those of <c>Reminders__DefaultTimeZone</c>. Asynchronous so that a stored merchant profile can answer.
    /// </summary>
    public ValueTask<TimeZoneInfo> ForAsync(string merchantId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(BuyerTimeZones.Resolve(null, settings.DefaultTimeZone));
}
