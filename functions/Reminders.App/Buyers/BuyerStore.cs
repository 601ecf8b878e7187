using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Reminders.Core;
using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Throttling;

namespace Reminders.App.Buyers;

/// <summary>A non-transactional reminder counted against the buyer's daily cap.</summary>
public sealed record RecentReminder(DateTimeOffset At, string OrderId, string ReminderId);

/// <summary>
/// What the throttle needs of a buyer across all their orders: channels opted out of, contacts a provider
/// reported as bad (by hash, so a new address is not held against the buyer), and the reminders of the
/// last 24 hours. One row (Buyers table, PartitionKey = the buyer's key, see <see cref="BuyerStore.KeyOf"/>,
/// RowKey = profile) updated with If-Match, so two sweeps cannot both take the buyer's last reminder of the day.
/// </summary>
public sealed record BuyerProfile(string BuyerKey, ETag ETag, IReadOnlySet<Channel> OptedOut, IReadOnlyDictionary<Channel, string> BadContacts, IReadOnlyList<RecentReminder> Recent)
{
    public static BuyerProfile Empty(string buyerKey) =>
        new(buyerKey, default, new HashSet<Channel>(), new Dictionary<Channel, string>(), []);

    public bool IsBad(Channel channel, string? contact) =>
        contact is not null && BadContacts.TryGetValue(channel, out var hash) && hash == ContactHash.Of(contact);
}

/// <summary>Contacts are stored for matching only as SHA-256 hex of the contact, never in clear.</summary>
public static class ContactHash
{
    public static string Of(string contact) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(contact.Trim().ToLowerInvariant())));
}

/// <summary>
/// Buyer profiles and contact opt-outs in the Buyers table. A buyer is stored under its key (<see cref="KeyOf"/>):
/// its merchant and buyer id, or the buyer id alone when Buyers__GlobalIds says buyer ids are global. Every method
/// that names a buyer takes that key.
/// </summary>
public sealed class BuyerStore(Orders.ReminderStorage storage, TimeProvider time, IOptions<BuyersOptions> options)
{
    private const string ProfileKey = "profile";
    private const int MaxAttempts = 20;

    /// <summary>Separates merchant and buyer id in a key; ids never hold it (A-Z a-z 0-9 . _ : -).</summary>
    public const char ScopeSeparator = '|';

    public bool IdsAreGlobal => options.Value.GlobalIds;

    /// <summary>The key a buyer's profile is stored under: <c>{merchantId}|{buyerId}</c>, or the buyer id when ids are global.</summary>
    public string KeyOf(string? merchantId, string buyerId) =>
        options.Value.GlobalIds ? buyerId : merchantId + ScopeSeparator + buyerId;

    /// <summary>Whether <paramref name="key"/> has the shape <see cref="KeyOf"/> gives under the current setting.</summary>
    public bool IsKey(string key) =>
        options.Value.GlobalIds ? !key.Contains(ScopeSeparator, StringComparison.Ordinal) : key.Count(c => c == ScopeSeparator) == 1;

    public async Task<BuyerProfile> GetAsync(string buyerKey, CancellationToken cancellationToken)
    {
        var row = await storage.Buyers.GetEntityIfExistsAsync<TableEntity>(buyerKey, ProfileKey, cancellationToken: cancellationToken);
        if (!row.HasValue) return BuyerProfile.Empty(buyerKey);
        var e = row.Value!;
        var optedOut = WireNames.ParseChannelList(e.GetString("OptedOut"));
        var bad = JsonSerializer.Deserialize<Dictionary<Channel, string>>(e.GetString("BadContacts") ?? "{}") ?? [];
        var recent = JsonSerializer.Deserialize<List<RecentReminder>>(e.GetString("Recent") ?? "[]") ?? [];
        return new BuyerProfile(buyerKey, e.ETag, optedOut, bad, recent);
    }

    /// <summary>Writes the profile if nobody changed it since it was read; false when someone did.</summary>
    public Task<bool> TrySaveAsync(BuyerProfile profile, CancellationToken cancellationToken) =>
        storage.CreatingMissingAsync(() => TrySaveOnceAsync(profile, cancellationToken), cancellationToken);

    private async Task<bool> TrySaveOnceAsync(BuyerProfile profile, CancellationToken cancellationToken)
    {
        var dayAgo = time.GetUtcNow().AddDays(-1);
        var entity = new TableEntity(profile.BuyerKey, ProfileKey)
        {
            ["OptedOut"] = string.Join(',', profile.OptedOut.Select(c => c.ToWire()).Order()),
            ["BadContacts"] = JsonSerializer.Serialize(profile.BadContacts),
            ["Recent"] = JsonSerializer.Serialize(profile.Recent.Where(r => r.At > dayAgo).OrderBy(r => r.At).ToList()),
        };
        try
        {
            if (profile.ETag == default) await storage.Buyers.AddEntityAsync(entity, cancellationToken);
            else await storage.Buyers.UpdateEntityAsync(entity, profile.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Applies <paramref name="change"/> to the current profile until it is written without a conflict.</summary>
    public async Task<BuyerProfile> UpdateAsync(string buyerKey, Func<BuyerProfile, BuyerProfile> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var changed = change(await GetAsync(buyerKey, cancellationToken));
            if (await TrySaveAsync(changed, cancellationToken)) return changed;
            if (attempt >= MaxAttempts) throw new InvalidOperationException($"Buyer {buyerKey}'s profile kept changing under {MaxAttempts} attempts.");
        }
    }

    /// <summary>
    /// Per channel, whether the buyer has a contact there and whether a provider reported it bad; and the channels
    /// they opted out of, as a buyer or through the contact itself (an SMS STOP).
    /// </summary>
    public async Task<(IReadOnlyDictionary<Channel, ContactStatus> Contacts, IReadOnlySet<Channel> OptedOut)> ReachabilityAsync(
        BuyerDetails buyer, BuyerProfile profile, CancellationToken cancellationToken)
    {
        var contacts = new Dictionary<Channel, ContactStatus>();
        var optedOut = profile.OptedOut.ToHashSet();
        foreach (var (channel, contact) in BuyerContacts.All(buyer))
        {
            if (contact is null) continue;
            contacts[channel] = profile.IsBad(channel, contact) ? ContactStatus.MarkedBad : ContactStatus.Available;
            if (await IsContactOptedOutAsync(channel, contact, cancellationToken)) optedOut.Add(channel);
        }
        return (contacts, optedOut);
    }

    public Task<BuyerProfile> SetOptOutAsync(string buyerKey, Channel channel, bool optedOut, CancellationToken cancellationToken) =>
        UpdateAsync(buyerKey, p =>
        {
            var set = p.OptedOut.ToHashSet();
            if (optedOut) set.Add(channel); else set.Remove(channel);
            return p with { OptedOut = set };
        }, cancellationToken);

    public Task<BuyerProfile> MarkContactBadAsync(string buyerKey, Channel channel, string contact, CancellationToken cancellationToken) =>
        UpdateAsync(buyerKey, p => p with { BadContacts = new Dictionary<Channel, string>(p.BadContacts) { [channel] = ContactHash.Of(contact) } }, cancellationToken);

    /// <summary>Opt-out of a contact itself (an SMS STOP names a number, not a buyer): applies to every buyer using it.</summary>
    public Task OptOutContactAsync(Channel channel, string contact, CancellationToken cancellationToken) =>
        storage.CreatingMissingAsync(() => storage.Buyers.UpsertEntityAsync(
            new TableEntity(ContactPartition(channel, contact), "optout") { ["At"] = time.GetUtcNow() },
            TableUpdateMode.Replace, cancellationToken), cancellationToken);

    public async Task<bool> IsContactOptedOutAsync(Channel channel, string contact, CancellationToken cancellationToken) =>
        (await storage.Buyers.GetEntityIfExistsAsync<TableEntity>(ContactPartition(channel, contact), "optout", ["PartitionKey"], cancellationToken)).HasValue;

    /// <summary>Removes a contact's opt-out; none is no error (the SDK answers that 404 without throwing).</summary>
    public Task OptInContactAsync(Channel channel, string contact, CancellationToken cancellationToken) =>
        storage.Buyers.DeleteEntityAsync(ContactPartition(channel, contact), "optout", ETag.All, cancellationToken);

    private static string ContactPartition(Channel channel, string contact) => $"contact|{channel.ToWire()}|{ContactHash.Of(contact)}";
}

/// <summary>The buyer's contact for each channel (null when they gave none).</summary>
public static class BuyerContacts
{
    public static IEnumerable<(Channel Channel, string? Contact)> All(BuyerDetails buyer) =>
    [
        (Channel.Push, buyer.PushToken),
        (Channel.Sms, buyer.Phone),
        (Channel.Email, buyer.Email),
    ];

    public static string? For(BuyerDetails buyer, Channel channel) => channel switch
    {
        Channel.Push => buyer.PushToken,
        Channel.Sms => buyer.Phone,
        Channel.Email => buyer.Email,
        _ => null,
    };
}
