using System.Diagnostics;
using System.Text.Json;
using Reminders.TestSupport;

namespace Reminders.Faults;

/// <summary>
/// Runs the real app process (the built Reminders.App.dll on the local Functions host, as run.sh does) on Azurite,
/// with maildev and stub SMS/push providers, injects faults and counts what reached the providers. Exit code 1 when
/// a goal is missed.
/// </summary>
public static class FaultProgram
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public static async Task<int> Main(string[] args)
    {
        FaultOptions options;
        try
        {
            options = FaultOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(FaultOptions.Usage);
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
        var watch = Stopwatch.StartNew();
        var root = TestStorage.FindRepositoryRoot();
        var output = options.Output ?? Path.Combine(root, "tests", "Reminders.Faults", "results");
        var logs = Path.Combine(output, "logs");
        if (Directory.Exists(logs)) Directory.Delete(logs, recursive: true);
        Directory.CreateDirectory(logs);
        var appDll = options.AppDll ?? Path.Combine(root, "functions", "Reminders.App", "bin", Configuration, "net10.0", "Reminders.App.dll");
        Console.WriteLine($"fault injection: {string.Join(", ", options.Scenarios)}{(options.Quick ? " (quick)" : "")}, seed {options.Seed}, app {appDll}");

        using var maildev = new Maildev();
        await using var stubs = await ProviderStubs.StartAsync(options.Seed, time);
        var shared = new Shared(appDll, maildev, stubs, new RunSecrets(), logs, new Random(options.Seed), time);
        var scenarios = new Scenarios(shared, options);
        var runs = new Dictionary<string, Func<CancellationToken, Task<ScenarioFigures>>>
        {
            ["kill"] = scenarios.KillAsync,
            ["two-instances"] = scenarios.TwoInstancesAsync,
            ["outage"] = scenarios.OutageAsync,
            ["chaos"] = scenarios.ProviderChaosAsync,
            ["storm"] = scenarios.StormAsync,
        };
        var figures = new List<ScenarioFigures>();
        foreach (var name in FaultOptions.AllScenarios.Where(options.Scenarios.Contains))
        {
            figures.Add(await runs[name](token));
        }

        watch.Stop();
        var table = Report.Markdown(figures, startedAt, watch.Elapsed, (options.Quick ? "--quick" : "default") + $", seed {options.Seed}");
        await File.WriteAllTextAsync(Path.Combine(output, "latest.md"), table, token);
        await File.WriteAllTextAsync(Path.Combine(output, "latest.json"),
            JsonSerializer.Serialize(new { startedAt, seconds = Math.Round(watch.Elapsed.TotalSeconds), options.Seed, options.Quick, figures },
                new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }), token);
        Console.WriteLine();
        Console.WriteLine(table);
        Console.WriteLine($"Results: {Path.Combine(output, "latest.md")}; app logs: {logs}");
        return figures.All(f => f.GoalsMet) ? 0 : 1;
    }
}
