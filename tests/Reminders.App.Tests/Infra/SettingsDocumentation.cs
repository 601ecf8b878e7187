using System.Text.Json;
using System.Text.RegularExpressions;

namespace Reminders.App.Tests.Infra;

/// <summary>
/// The setting names the repository documents: every backticked name in the tables of README.md and docs/DESIGN.md
/// (a cell's <c>`__End`</c> after <c>`Reminders__QuietHours__Start`</c> means <c>Reminders__QuietHours__End</c>;
/// <c>{merchantId}</c> and <c>*</c> stand for any name part) and the keys of local.settings.sample.json.
/// </summary>
public sealed partial class SettingsDocumentation
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<Regex> _patterns = [];

    public SettingsDocumentation(string repositoryRoot)
    {
        foreach (var markdown in new[] { "README.md", Path.Combine("docs", "DESIGN.md") })
        {
            foreach (var row in TableRows(File.ReadAllText(Path.Combine(repositoryRoot, markdown))))
            {
                foreach (var name in row.SelectMany(NamesIn)) Add(name);
            }
        }
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(repositoryRoot, "local.settings.sample.json")));
        foreach (var value in sample.RootElement.GetProperty("Values").EnumerateObject()) Add(value.Name);
        Required = File.ReadAllLines(Path.Combine(repositoryRoot, "README.md"))
            .Where(line => line.StartsWith('|') && line.TrimEnd().EndsWith("| required |", StringComparison.Ordinal))
            .SelectMany(line => NamesIn(line.Split('|')[1]))
            .ToList();
    }

    /// <summary>Settings README.md marks <c>required</c> in its default column.</summary>
    public IReadOnlyList<string> Required { get; }

    public bool Documents(string setting) => _names.Contains(setting) || _patterns.Any(p => p.IsMatch(setting));

    private void Add(string name)
    {
        if (name.Contains('{') || name.Contains('*'))
        {
            var pattern = Regex.Escape(name).Replace(@"\*", "[A-Za-z0-9_]+", StringComparison.Ordinal);
            _patterns.Add(new Regex("^" + Placeholder().Replace(pattern, "[A-Za-z0-9]+") + "$"));
        }
        else
        {
            _names.Add(name);
        }
    }

    private static IEnumerable<string[]> TableRows(string markdown) =>
        markdown.Split('\n').Where(line => line.StartsWith('|')).Select(line => line.Split('|'));

    /// <summary>The backticked names of one cell, shorthand expanded against the cell's last full <c>A__B</c> name.</summary>
    private static IEnumerable<string> NamesIn(string cell)
    {
        var last = "";
        foreach (Match code in Backticked().Matches(cell))
        {
            var name = code.Groups[1].Value.Split('=')[0].Trim();
            if (name.StartsWith("__", StringComparison.Ordinal))
            {
                var cut = last.LastIndexOf("__", StringComparison.Ordinal);
                if (cut <= 0) continue;
                name = last[..cut] + name;
            }
            else if (name.Contains("__", StringComparison.Ordinal))
            {
                last = name;
            }
            yield return name;
        }
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"\\\{[^}]*}")]
    private static partial Regex Placeholder();
}
