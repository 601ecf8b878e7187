using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reminders.Benchmarks;

/// <summary>One figure, paired with the baseline measured in the same run; <see cref="Ratio"/> = value / baseline.</summary>
public sealed record ResultRow(string Scenario, string Measure, double Value, string Unit)
{
    public string? Baseline { get; init; }
    public double? BaselineValue { get; init; }
    public string? Note { get; init; }

    public double? Ratio => BaselineValue is > 0 ? Value / BaselineValue : null;
}

/// <summary>The results of one run: printed as a Markdown table and written as JSON.</summary>
public sealed class ResultSet
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly List<ResultRow> _rows = [];
    private readonly List<string> _notes = [];

    public IReadOnlyList<ResultRow> Rows => _rows;

    public void Add(ResultRow row)
    {
        _rows.Add(row);
        Console.WriteLine($"  {row.Scenario} | {row.Measure}: {Format(row.Value)} {row.Unit}"
            + (row.BaselineValue is { } b ? $" (baseline {row.Baseline}: {Format(b)}, ratio {Format(row.Ratio ?? 0)})" : ""));
    }

    public void Note(string note)
    {
        _notes.Add(note);
        Console.WriteLine("  note: " + note);
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | measure | value | baseline (same run) | baseline value | ratio |");
        text.AppendLine("| --- | --- | ---: | --- | ---: | ---: |");
        foreach (var row in _rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {row.Scenario} | {row.Measure} | {Format(row.Value)} {row.Unit} | {row.Baseline ?? ""} | ");
            text.Append(row.BaselineValue is { } b ? Format(b) + " " + row.Unit : "");
            text.Append(" | ");
            text.Append(row.Ratio is { } r ? Format(r) : "");
            text.AppendLine(" |");
        }
        text.AppendLine();
        foreach (var row in _rows.Where(r => r.Note is not null)) text.AppendLine($"- {row.Scenario}, {row.Measure}: {row.Note}");
        foreach (var note in _notes) text.AppendLine($"- {note}");
        return text.ToString();
    }

    public async Task WriteJsonAsync(string path, BenchmarkOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var document = new
        {
            machine,
            options = new
            {
                options.Scenarios,
                options.IngestRequests,
                options.IngestWarmup,
                options.Concurrency,
                options.OrdersSmall,
                options.OrdersLarge,
                options.Due,
                options.DeliveryMessages,
                providerDelayMs = options.ProviderDelay.TotalMilliseconds,
            },
            results = _rows.Select(r => new { r.Scenario, r.Measure, r.Value, r.Unit, r.Baseline, r.BaselineValue, r.Ratio, r.Note }),
            notes = _notes,
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, Json), cancellationToken);
    }

    public static string Format(double value) =>
        Math.Abs(value) >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 10 ? value.ToString("0.0", CultureInfo.InvariantCulture)
        : value.ToString("0.00", CultureInfo.InvariantCulture);
}

/// <summary>Where the figures were measured.</summary>
public sealed record MachineInfo(string Os, int ProcessorCount, string Runtime, DateTimeOffset StartedAt, double TotalSeconds, string? LoadAverageAtStart, string? LoadAverageAtEnd)
{
    public static MachineInfo Current(DateTimeOffset startedAt, TimeSpan elapsed, string? loadAtStart) => new(
        System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        Environment.ProcessorCount,
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        startedAt,
        Math.Round(elapsed.TotalSeconds, 1),
        loadAtStart,
        LoadAverage());

    /// <summary>The 1, 5 and 15 minute load averages (Linux), to show whether other work shared the machine.</summary>
    public static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
}

/// <summary>Latency percentiles of a set of timings.</summary>
public static class Percentiles
{
    public static double Of(IReadOnlyList<double> sortedMilliseconds, double percentile)
    {
        if (sortedMilliseconds.Count == 0) return 0;
        var rank = (int)Math.Ceiling(percentile / 100 * sortedMilliseconds.Count) - 1;
        return sortedMilliseconds[Math.Clamp(rank, 0, sortedMilliseconds.Count - 1)];
    }
}
