using System.Diagnostics;
using Reminders.TestSupport;

namespace Reminders.Benchmarks;

/// <summary>Paths in the checkout and the pinned local tools.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string DefaultOutput => Path.Combine(Root, "tests", "Reminders.Benchmarks", "results", "latest.json");

    /// <summary>The app built in the benchmark's own configuration (the project reference builds it).</summary>
    public static string DefaultAppDll =>
        Path.Combine(Root, "functions", "Reminders.App", "bin", BuildConfiguration, "net10.0", "Reminders.App.dll");

#if DEBUG
    public const string BuildConfiguration = "Debug";
#else
    public const string BuildConfiguration = "Release";
#endif

    /// <summary>Installs the repository's pinned npm tools (Azurite) when they are missing.</summary>
    public static async Task EnsureLocalToolsAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(Root, "node_modules", ".bin", "azurite"))) return;
        Console.WriteLine("Azurite is not installed: running npm ci ...");
        var info = new ProcessStartInfo("npm") { WorkingDirectory = Root, UseShellExecute = false };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" }) info.ArgumentList.Add(arg);
        using var npm = Process.Start(info) ?? throw new InvalidOperationException("npm did not start.");
        await npm.WaitForExitAsync(cancellationToken);
        if (npm.ExitCode != 0) throw new InvalidOperationException($"npm ci failed with exit code {npm.ExitCode}.");
    }

    public static AzuriteProcess StartAzurite() =>
        AzuriteProcess.Start(TestStorage.FreePort(), TestStorage.FreePort(), TestStorage.FreePort());

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Reminders.sln"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find the repository root (Reminders.sln) above " + AppContext.BaseDirectory);
    }
}

/// <summary>Samples a process's working set in the background and keeps the highest value seen.</summary>
public sealed class WorkingSetSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    public WorkingSetSampler(Func<long> read, TimeSpan interval)
    {
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            do
            {
                var value = read();
                if (value > Interlocked.Read(ref _peak)) Interlocked.Exchange(ref _peak, value);
            }
            while (await WaitAsync(timer));
        });
    }

    public long Peak => Interlocked.Read(ref _peak);

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
