using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reminders.Benchmarks;

/// <summary>
/// One figure, paired with the baseline measured in the same run; <see cref="Ratio"/> = value / baseline. A figure with
/// a goal in issue #13 carries its <see cref="Id"/> and the goal (on the value, or on the ratio).
/// </summary>
public sealed record ResultRow(string Scenario, string Measure, double Value, string Unit)
{
    public string? Id { get; init; }
    public string? Baseline { get; init; }
    public double? BaselineValue { get; init; }
    public string? Note { get; init; }

    /// <summary>The goal as the issue words it ("<= 2", ">= 0.8"), on <see cref="GoalOn"/>.</summary>
    public string? Goal { get; init; }

    public GoalTarget GoalOn { get; init; } = GoalTarget.Value;

    public double? Ratio => BaselineValue is > 0 ? Value / BaselineValue : null;

    public bool? Met => Goal is null ? null : GoalCheck.Meets(GoalOn == GoalTarget.Value ? Value : Ratio, Goal);
}

public enum GoalTarget
{
    Value,
    Ratio,
}

public static class GoalCheck
{
    /// <summary>Whether <paramref name="figure"/> meets a goal written "<= x", ">= x" or "x" (equal at two decimals).</summary>
    public static bool Meets(double? figure, string goal)
    {
        if (figure is not { } f) return false;
        var text = goal.Trim();
        if (text.StartsWith("<=", StringComparison.Ordinal)) return f <= Parse(text[2..]) + 1e-9;
        if (text.StartsWith(">=", StringComparison.Ordinal)) return f >= Parse(text[2..]) - 1e-9;
        return Math.Round(f, 2) == Math.Round(Parse(text), 2);
    }

    private static double Parse(string number) => double.Parse(number.Trim(), CultureInfo.InvariantCulture);
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
        Console.WriteLine($"  {row.Id ?? row.Scenario} | {row.Measure}: {Format(row.Value)} {row.Unit}"
            + (row.BaselineValue is { } b ? $" (baseline {row.Baseline}: {Format(b)}, ratio {Format(row.Ratio ?? 0)})" : "")
            + (row.Goal is null ? "" : $" goal {row.GoalOn.ToString().ToLowerInvariant()} {row.Goal}: {(row.Met == true ? "met" : "missed")}"));
    }

    public void Note(string note)
    {
        _notes.Add(note);
        Console.WriteLine("  note: " + note);
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| id | measure | value | baseline (same run) | baseline value | ratio | goal | met |");
        text.AppendLine("| --- | --- | ---: | --- | ---: | ---: | --- | --- |");
        foreach (var row in _rows.OrderBy(r => r.Id is null))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {(row.Id is null ? row.Scenario : $"`{row.Id}`")} | {row.Measure} | {Format(row.Value)} {row.Unit} | {row.Baseline ?? ""} | ");
            text.Append(row.BaselineValue is { } b ? Format(b) + " " + row.Unit : "");
            text.Append(" | ");
            text.Append(row.Ratio is { } r ? Format(r) : "");
            text.Append(" | ");
            text.Append(row.Goal is null ? "" : $"{row.GoalOn.ToString().ToLowerInvariant()} {row.Goal}");
            text.Append(" | ");
            text.Append(row.Met switch { true => "yes", false => "**no**", null => "" });
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
                options.Quick,
                providerDelaysMs = options.ProviderDelays.Select(d => d.TotalMilliseconds),
            },
            // One row per figure: the issue's figures (with an id) first.
            results = _rows.OrderBy(r => r.Id is null).Select(r => new
            {
                r.Id, r.Value, r.Baseline, r.BaselineValue, r.Ratio, r.Scenario, r.Measure, r.Unit,
                goal = r.Goal is null ? null : $"{r.GoalOn.ToString().ToLowerInvariant()} {r.Goal}", r.Met, r.Note,
            }),
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
