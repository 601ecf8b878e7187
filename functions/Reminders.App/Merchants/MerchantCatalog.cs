using Microsoft.Extensions.Options;
using Reminders.App.Delivery;

namespace Reminders.App.Merchants;

/// <summary>
/// Every merchant of the Merchants table, as this instance last read it. A read older than
/// MerchantStore__CacheLifetime is renewed by the next caller (one query for all merchants, one caller at a time), so
/// webhooks do not pay a storage request per merchant lookup and a change reaches every instance within the lifetime.
/// A write through this instance drops its copy at once.
/// </summary>
public sealed class MerchantCatalog(MerchantTable table, MerchantDirectory directory, TimeProvider time, IOptions<MerchantStoreOptions> options) : IDisposable
{
    private sealed record Snapshot(IReadOnlyDictionary<string, MerchantEntry> Merchants, DateTimeOffset ReadAt);

    private readonly SemaphoreSlim _reading = new(1, 1);
    private Snapshot? _snapshot;

    public async ValueTask<IReadOnlyDictionary<string, MerchantEntry>> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh(Volatile.Read(ref _snapshot)) is { } fresh) return fresh;
        await _reading.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(_snapshot) is { } readMeanwhile) return readMeanwhile;
            var startedAt = time.GetUtcNow();
            var merchants = await table.ReadAllAsync(cancellationToken);
            Volatile.Write(ref _snapshot, new Snapshot(merchants, startedAt));
            return merchants;
        }
        finally
        {
            _reading.Release();
        }
    }

    /// <summary>The merchant's profile: its table entry, else its settings, completed from Merchants__Default__*.</summary>
    public async ValueTask<MerchantProfile> ProfileAsync(string? merchantId, CancellationToken cancellationToken) =>
        directory.For(merchantId, await GetAsync(cancellationToken));

    /// <summary>Forget what was read: the next lookup reads the table again (after a write on this instance).</summary>
    public void Invalidate() => Volatile.Write(ref _snapshot, null);

    private IReadOnlyDictionary<string, MerchantEntry>? Fresh(Snapshot? snapshot) =>
        snapshot is not null && time.GetUtcNow() - snapshot.ReadAt < options.Value.CacheLifetime ? snapshot.Merchants : null;

    public void Dispose() => _reading.Dispose();
}
