using System.Diagnostics;

namespace Reminders.Benchmarks;

/// <summary>What a closed-loop load run measured: <see cref="Concurrency"/> workers, each issuing its next operation when the last one ends.</summary>
public sealed record LoadResult(int Operations, int Concurrency, TimeSpan Elapsed, IReadOnlyList<double> SortedLatenciesMs)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;
    public double P50 => Percentiles.Of(SortedLatenciesMs, 50);
    public double P99 => Percentiles.Of(SortedLatenciesMs, 99);
}

public static class Load
{
    /// <summary>Runs <paramref name="operations"/> calls of <paramref name="operation"/> (given its sequence number) on <paramref name="concurrency"/> workers.</summary>
    public static async Task<LoadResult> RunAsync(int operations, int concurrency, Func<int, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        var latencies = new double[operations];
        var next = -1;
        var total = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < operations)
            {
                var started = Stopwatch.GetTimestamp();
                await operation(i, cancellationToken);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }, cancellationToken));
        await Task.WhenAll(workers);
        total.Stop();
        Array.Sort(latencies);
        return new LoadResult(operations, concurrency, total.Elapsed, latencies);
    }
}
