using System.Globalization;

namespace Reminders.Benchmarks;

/// <summary>The command line: which scenarios to run and how big. Defaults finish in under 10 minutes on 2 cores, --quick in under 2.</summary>
public sealed record BenchmarkOptions
{
    public static readonly IReadOnlyList<string> AllScenarios = ["ingest", "memory", "sweep", "delivery", "report"];

    public IReadOnlyList<string> Scenarios { get; init; } = AllScenarios;

    /// <summary>Signed webhooks measured per concurrency level (after the warm-up).</summary>
    public int IngestRequests { get; init; } = 400;

    public int IngestWarmup { get; init; } = 100;

    public IReadOnlyList<int> Concurrency { get; init; } = [1, 32];

    public const int DefaultOrdersSmall = 10_000;
    public const int DefaultOrdersLarge = 100_000;
    public const int DefaultDue = 1_000;

    /// <summary>Small sizes: every scenario in under 2 minutes, to check the program, not to quote.</summary>
    public bool Quick { get; init; }

    public int OrdersSmall { get; init; } = DefaultOrdersSmall;

    public int OrdersLarge { get; init; } = DefaultOrdersLarge;

    public int Due { get; init; } = DefaultDue;

    /// <summary>Reminders pushed through the queue per batch-size setting.</summary>
    public int DeliveryMessages { get; init; } = 500;

    /// <summary>Stub provider answer delays, one delivery run each: a typical SMS API, and a fast one.</summary>
    public IReadOnlyList<TimeSpan> ProviderDelays { get; init; } = [TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(50)];

    public string? Output { get; init; }

    /// <summary>The app to start as a child process; by default functions/Reminders.App/bin/{configuration}/net10.0.</summary>
    public string? AppDll { get; init; }

    public static string Usage =>
        """
        dotnet run -c Release --project tests/Reminders.Benchmarks -- [scenario ...] [options]
          scenarios: ingest memory sweep delivery report all (default: all)
          --ingest-requests N   signed webhooks per concurrency level (default 400)
          --ingest-warmup N     webhooks before measuring (default 100)
          --concurrency A,B     concurrency levels (default 1,32)
          --orders-small N      stored orders, small sweep and report (default 10000)
          --orders-large N      stored orders, large sweep and report (default 100000)
          --due N               reminders due in each sweep (default 1000)
          --delivery-messages N reminders delivered per provider delay (default 500)
          --provider-delay-ms A,B stub provider answer delays (default 250,50)
          --quick               small sizes (ingest 100, sweep 50 due among 500 / 5000, delivery 150): under 2 minutes
          --output PATH         JSON results (default tests/Reminders.Benchmarks/results/latest.json)
          --app-dll PATH        the app to run as a child process
        """;

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        var scenarios = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            int Count() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{arg} needs a positive whole number.");
            options = arg switch
            {
                "--ingest-requests" => options with { IngestRequests = Count() },
                "--ingest-warmup" => options with { IngestWarmup = Count() },
                "--concurrency" => options with { Concurrency = [.. Value().Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))] },
                "--orders-small" => options with { OrdersSmall = Count() },
                "--orders-large" => options with { OrdersLarge = Count() },
                "--due" => options with { Due = Count() },
                "--delivery-messages" => options with { DeliveryMessages = Count() },
                "--provider-delay-ms" => options with { ProviderDelays = [.. Value().Split(',').Select(v => TimeSpan.FromMilliseconds(int.Parse(v, CultureInfo.InvariantCulture)))] },
                "--quick" => options with
                {
                    Quick = true, IngestRequests = 100, IngestWarmup = 20, OrdersSmall = 500, OrdersLarge = 5_000, Due = 50, DeliveryMessages = 150,
                },
                "--output" => options with { Output = Value() },
                "--app-dll" => options with { AppDll = Value() },
                "all" => options,
                _ when AllScenarios.Contains(arg) => options,
                _ => throw new ArgumentException($"Unknown argument '{arg}'."),
            };
            if (AllScenarios.Contains(arg)) scenarios.Add(arg);
        }
        if (scenarios.Count > 0) options = options with { Scenarios = scenarios };
        if (options.Due > options.OrdersSmall - 20) throw new ArgumentException("--due must be at least 20 less than --orders-small (20 orders warm the sweep up).");
        if (options.OrdersLarge - options.OrdersSmall < options.Due) throw new ArgumentException("--orders-large must exceed --orders-small by at least --due.");
        return options;
    }
}
