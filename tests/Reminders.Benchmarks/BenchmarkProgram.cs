using System.Diagnostics;

namespace Reminders.Benchmarks;

/// <summary>
/// Speed and memory figures of the app, each next to a baseline measured in the same run on the same machine.
/// Starts what it needs: Azurite (in memory, free ports) and the app (child process or in-process).
/// </summary>
public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        BenchmarkOptions options;
        try
        {
            options = BenchmarkOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(BenchmarkOptions.Usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var token = cancel.Token;
        var time = TimeProvider.System;
        var startedAt = time.GetUtcNow();
        var loadAtStart = MachineInfo.LoadAverage();
        var watch = Stopwatch.StartNew();
        var results = new ResultSet();
        var scenarios = options.Scenarios;

#if DEBUG
        results.Note("built in Debug: run with -c Release for figures worth comparing");
#endif
        await Repository.EnsureLocalToolsAsync(token);

        if (scenarios.Contains("ingest") || scenarios.Contains("memory"))
        {
            await new IngestScenario(options, results, time).RunAsync(scenarios.Contains("ingest"), scenarios.Contains("memory"), token);
        }
        if (scenarios.Contains("sweep"))
        {
            await new SweepScenario(options, results, time).RunAsync(token);
        }
        if (scenarios.Contains("delivery"))
        {
            await new DeliveryScenario(options, results, time).RunAsync(token);
        }
        if (scenarios.Contains("report"))
        {
            await new ReportScenario(options, results, time).RunAsync(token);
        }

        watch.Stop();
        var machine = MachineInfo.Current(startedAt, watch.Elapsed, loadAtStart);
        results.Note($"machine: {machine.ProcessorCount} cores, {machine.Os}, {machine.Runtime}"
            + (machine.LoadAverageAtStart is null ? "" : $"; load average {machine.LoadAverageAtStart} at the start, {machine.LoadAverageAtEnd} at the end"));
        results.Note($"defaults are sized to finish in under 10 minutes on 2 cores (--quick: 2) (this run: {watch.Elapsed.TotalMinutes:0.0} min); larger sizes: --ingest-requests, --orders-small, --orders-large, --due, --delivery-messages");
        var output = options.Output ?? Repository.DefaultOutput;
        await results.WriteJsonAsync(output, options, machine, token);

        Console.WriteLine();
        Console.WriteLine(results.ToMarkdown());
        Console.WriteLine();
        Console.WriteLine($"JSON: {Path.GetFullPath(output)}");
        return 0;
    }
}
