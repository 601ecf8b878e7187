using Microsoft.Extensions.Logging;
using Reminders.App.Buyers;
using Reminders.App.Orders;
using Reminders.App.Storage;
using Reminders.Core.Notifications;

namespace Reminders.App.Reports;

/// <summary>
/// Credits a buyer's opt-out (the email unsubscribe link, an operator's opt-out) to the last reminder sent to them within
/// the attribution window. The candidates are the buyer's reminders counted against their daily cap
/// (<see cref="BuyerProfile.Recent"/>, kept 24 hours), so opt-outs are credited at most 24 hours back. An SMS STOP names
/// a number, not a buyer, and is not credited. Runs after the opt-out is stored; a storage failure here is only logged.
/// </summary>
public sealed partial class OptOutAttribution(OrderStore orders, RecoveryRecorder recorder, TimeProvider time, ILogger<OptOutAttribution> logger)
{
    /// <summary>At most this many recent reminders are read to find the last one sent.</summary>
    private const int MaxCandidates = 5;

    public async Task RecordAsync(BuyerProfile profile, Channel channel, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            var candidates = profile.Recent.Where(r => r.At <= now && now - r.At <= recorder.Window).OrderByDescending(r => r.At).Take(MaxCandidates);
            foreach (var candidate in candidates)
            {
                var reminder = await orders.GetReminderAsync(candidate.OrderId, candidate.ReminderId, cancellationToken);
                if (reminder is not { Status: ReminderStatus.Sent, SentAt: { } sentAt } || sentAt > now || now - sentAt > recorder.Window) continue;
                if (RecoveryAttribution.GoalOf(reminder.Kind) is null) continue;
                if (await orders.GetOrderAsync(reminder.OrderId, cancellationToken) is { Order.MerchantId: { } merchantId })
                {
                    await recorder.RecordOptOutAsync(merchantId, reminder, channel);
                }
                return;
            }
        }
        catch (Exception e) when (StorageFailure.IsStorageFailure(e))
        {
            LogFailed(logger, e, profile.BuyerKey);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Opt-out of buyer {BuyerKey} not credited to a reminder: storage failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string buyerKey);
}
