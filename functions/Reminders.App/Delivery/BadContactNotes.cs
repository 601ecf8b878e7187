using Azure.Data.Tables;
using Reminders.App.Orders;
using Reminders.Core;
using Reminders.Core.Notifications;

namespace Reminders.App.Delivery;

/// <summary>A contact a provider refused for good, as operators may see it: masked.</summary>
public sealed record BadContactNote(Channel Channel, string MaskedContact, string Reason, DateTimeOffset At);

/// <summary>
/// The buyer profile keeps bad contacts only as hashes; this keeps, beside it in the Buyers table
/// (PartitionKey = the buyer's key, as BuyerStore.KeyOf gives it, RowKey = <c>badcontact|{channel}</c>), the masked contact and why it was marked,
/// for GET /api/admin/buyers/{buyerId}.
/// </summary>
public sealed class BadContactNotes(ReminderStorage storage, TimeProvider time)
{
    private const string Prefix = "badcontact|";

    public Task NoteAsync(string buyerKey, Channel channel, string contact, string reason, CancellationToken cancellationToken)
    {
        var note = new TableEntity(buyerKey, Prefix + channel.ToWire())
        {
            ["Masked"] = Mask(channel, contact),
            ["Reason"] = reason,
            ["At"] = time.GetUtcNow(),
        };
        return storage.CreatingMissingAsync(() => storage.Buyers.UpsertEntityAsync(note, TableUpdateMode.Replace, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<BadContactNote>> ListAsync(string buyerKey, CancellationToken cancellationToken) =>
        storage.CreatingMissingAsync(() => ListOnceAsync(buyerKey, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<BadContactNote>> ListOnceAsync(string buyerKey, CancellationToken cancellationToken)
    {
        var notes = new List<BadContactNote>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {buyerKey} and RowKey ge {Prefix} and RowKey lt {"badcontact}"}");
        await foreach (var e in storage.Buyers.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (!WireNames.TryParseChannel(e.RowKey[Prefix.Length..], out var channel)) continue;
            notes.Add(new BadContactNote(channel, e.GetString("Masked") ?? "", e.GetString("Reason") ?? "", e.GetDateTimeOffset("At") ?? default));
        }
        return notes;
    }

    public static string Mask(Channel channel, string contact) => channel switch
    {
        Channel.Sms => ContactMasking.MaskPhone(contact),
        Channel.Email => ContactMasking.MaskEmail(contact),
        _ => ContactMasking.MaskPushToken(contact),
    };
}
