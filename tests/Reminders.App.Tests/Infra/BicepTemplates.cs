using System.Text.RegularExpressions;

namespace Reminders.App.Tests.Infra;

/// <summary>
/// Reads infra/*.bicep as text (no Bicep compiler installs here): declared parameters, the parameters a module call
/// or main.bicepparam passes, and the app setting names the templates set (object keys that look like settings:
/// <c>A__B</c> or <c>UPPER_CASE</c>).
/// </summary>
public static partial class BicepTemplates
{
    public static string Read(string repositoryRoot, string path) => File.ReadAllText(Path.Combine(repositoryRoot, "infra", path));

    /// <summary>Parameter name -> whether it has a default.</summary>
    public static IReadOnlyDictionary<string, bool> DeclaredParameters(string bicep) =>
        ParamDeclaration().Matches(bicep).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["default"].Success);

    public static IReadOnlyList<string> AssignedParameters(string bicepparam) =>
        ParamAssignment().Matches(bicepparam).Select(m => m.Groups["name"].Value).ToList();

    public static IReadOnlyList<string> SettingNames(string bicep) =>
        SettingKey().Matches(bicep).Select(m => m.Groups["name"].Value).Distinct().ToList();

    /// <summary>Each <c>module name 'path' = ...</c> with the keys of its <c>params: { }</c> block.</summary>
    public static IEnumerable<(string Name, string Path, IReadOnlyList<string> Parameters)> ModuleCalls(string bicep)
    {
        foreach (Match module in ModuleDeclaration().Matches(bicep))
        {
            var start = bicep.IndexOf("params: {", module.Index, StringComparison.Ordinal);
            yield return (module.Groups["name"].Value, module.Groups["path"].Value, TopLevelKeys(bicep, start + "params: ".Length));
        }
    }

    /// <summary>The keys of the object literal that opens at <paramref name="open"/>, not those of objects inside it.</summary>
    public static IReadOnlyList<string> TopLevelKeys(string bicep, int open)
    {
        var keys = new List<string>();
        var depth = 0;
        foreach (var line in bicep[open..].Split('\n'))
        {
            if (depth == 1 && ObjectKey().Match(line) is { Success: true } key) keys.Add(key.Groups["name"].Value);
            depth += line.Count(c => c is '{' or '[') - line.Count(c => c is '}' or ']');
            if (depth <= 0) break;
        }
        return keys;
    }

    [GeneratedRegex(@"^param\s+(?<name>\w+)\s+[\w.]+(?<default>\s*=)?", RegexOptions.Multiline)]
    private static partial Regex ParamDeclaration();

    [GeneratedRegex(@"^param\s+(?<name>\w+)\s*=", RegexOptions.Multiline)]
    private static partial Regex ParamAssignment();

    [GeneratedRegex(@"(?<=[\s{,])'?(?<name>[A-Za-z][A-Za-z0-9]*(?:__[A-Za-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'?\s*:")]
    private static partial Regex SettingKey();

    [GeneratedRegex(@"^module\s+(?<name>\w+)\s+'(?<path>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleDeclaration();

    [GeneratedRegex(@"^\s*'?(?<name>[\w-]+)'?\s*:")]
    private static partial Regex ObjectKey();
}
