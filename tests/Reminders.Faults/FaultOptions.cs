using System.Globalization;

namespace Reminders.Faults;

/// <summary>The command line. The defaults finish in under 15 minutes on 2 cores; --quick in under 3.</summary>
public sealed record FaultOptions
{
    public static readonly IReadOnlyList<string> AllScenarios = ["kill", "two-instances", "outage", "chaos", "storm"];

    public bool Quick { get; init; }
    public IReadOnlyList<string> Scenarios { get; init; } = AllScenarios;
    public int Kills { get; init; } = 12;
    public int SecondInstanceKills { get; init; } = 6;
    public int StormKills { get; init; } = 2;
    public int StormOrders { get; init; } = 300;
    public TimeSpan Outage { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan ChaosIngest { get; init; } = TimeSpan.FromSeconds(40);
    public TimeSpan SettleLimit { get; init; } = TimeSpan.FromMinutes(2);
    public TimeSpan ChaosSettleLimit { get; init; } = TimeSpan.FromMinutes(4);
    public int Seed { get; init; } = Environment.TickCount;
    public string? Output { get; init; }
    public string? AppDll { get; init; }

    /// <summary>Fewer kills and orders, the scenarios that fit in 3 minutes (no provider chaos: its back-off alone takes minutes).</summary>
    public static FaultOptions QuickRun => new()
    {
        Quick = true,
        Scenarios = ["kill", "two-instances", "storm"],
        Kills = 3,
        SecondInstanceKills = 2,
        StormKills = 1,
        StormOrders = 100,
        SettleLimit = TimeSpan.FromSeconds(60),
    };

    public static string Usage =>
        """
        dotnet run -c Release --project tests/Reminders.Faults -- [scenario ...] [options]
          scenarios: kill two-instances outage chaos storm (default: all; --quick: kill two-instances storm)
          --quick          3 kills, 2 second-instance kills, a 100-order storm with 1 kill; under 3 minutes
          --kills N        kills in the killed-process scenario (default 12)
          --seed N         the random seed (kill moments, payments, storm order); printed with the results
          --output DIR     where latest.md, latest.json and the app logs go (default tests/Reminders.Faults/results)
          --app-dll PATH   the app to run (default functions/Reminders.App/bin/{configuration}/net10.0/Reminders.App.dll)
        """;

    public static FaultOptions Parse(IReadOnlyList<string> args)
    {
        var options = args.Contains("--quick") ? QuickRun : new FaultOptions();
        var scenarios = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            int Count() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{arg} needs a whole number.");
            options = arg switch
            {
                "--quick" => options,
                "--kills" => options with { Kills = Count() },
                "--seed" => options with { Seed = Count() },
                "--output" => options with { Output = Value() },
                "--app-dll" => options with { AppDll = Value() },
                _ when AllScenarios.Contains(arg) => options,
                _ => throw new ArgumentException($"Unknown argument '{arg}'."),
            };
            if (AllScenarios.Contains(arg)) scenarios.Add(arg);
        }
        return scenarios.Count > 0 ? options with { Scenarios = scenarios } : options;
    }
}
