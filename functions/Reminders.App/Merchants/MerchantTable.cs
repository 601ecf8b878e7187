using Azure;
using Azure.Data.Tables;
using Reminders.App.Orders;

namespace Reminders.App.Merchants;

/// <summary>A page of merchants and the token of the next one (null on the last page).</summary>
public sealed record MerchantPage(IReadOnlyList<MerchantEntry> Merchants, string? ContinuationToken);

/// <summary>The Merchants table: one row per merchant, written with If-Match so concurrent edits do not overwrite each other.</summary>
public sealed class MerchantTable(ReminderStorage storage)
{
    public async Task<MerchantEntry?> GetAsync(string merchantId, CancellationToken cancellationToken)
    {
        var row = await storage.CreatingMissingAsync(
            () => storage.Merchants.GetEntityIfExistsAsync<TableEntity>(merchantId, MerchantEntry.RowKey, cancellationToken: cancellationToken), cancellationToken);
        return row.HasValue ? MerchantEntry.FromEntity(row.Value!) : null;
    }

    /// <summary>Adds the merchant (when its ETag is empty) or replaces it if unchanged since read; null when someone else wrote first.</summary>
    public async Task<MerchantEntry?> TrySaveAsync(MerchantEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            var response = await storage.CreatingMissingAsync(() => entry.ETag == default
                ? storage.Merchants.AddEntityAsync(entry.ToEntity(), cancellationToken)
                : storage.Merchants.UpdateEntityAsync(entry.ToEntity(), entry.ETag, TableUpdateMode.Replace, cancellationToken), cancellationToken);
            return entry with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return null;
        }
    }

    /// <summary>Deletes the merchant if unchanged since <paramref name="etag"/> (any version with <see cref="ETag.All"/>); false when it changed.</summary>
    public async Task<bool> TryDeleteAsync(string merchantId, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await storage.CreatingMissingAsync(() => storage.Merchants.DeleteEntityAsync(merchantId, MerchantEntry.RowKey, etag, cancellationToken), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    /// <summary>One page of merchants by id; throws <see cref="RequestFailedException"/> (400) for a token storage does not know.</summary>
    public Task<MerchantPage> ListAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        storage.CreatingMissingAsync(async () =>
        {
            var pages = storage.Merchants.QueryAsync<TableEntity>(e => e.RowKey == MerchantEntry.RowKey, maxPerPage: pageSize, cancellationToken: cancellationToken)
                .AsPages(continuationToken, pageSize);
            await foreach (var page in pages)
            {
                return new MerchantPage([.. page.Values.Select(MerchantEntry.FromEntity)], page.ContinuationToken);
            }
            return new MerchantPage([], null);
        }, cancellationToken);

    /// <summary>Every merchant, for the catalog every instance keeps in memory.</summary>
    public Task<Dictionary<string, MerchantEntry>> ReadAllAsync(CancellationToken cancellationToken) =>
        storage.CreatingMissingAsync(async () =>
        {
            var all = new Dictionary<string, MerchantEntry>(StringComparer.Ordinal);
            await foreach (var entity in storage.Merchants.QueryAsync<TableEntity>(e => e.RowKey == MerchantEntry.RowKey, cancellationToken: cancellationToken))
            {
                all[entity.PartitionKey] = MerchantEntry.FromEntity(entity);
            }
            return all;
        }, cancellationToken);
}
