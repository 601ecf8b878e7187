using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
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

/// <summary>Webhook secrets, an unsubscribe secret and an admin key made up for one run.</summary>
public sealed class RunSecrets
{
    public byte[] OrdersKey { get; } = RandomNumberGenerator.GetBytes(24);
    public byte[] PaymentsKey { get; } = RandomNumberGenerator.GetBytes(24);
    public string AdminKey { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    public string UnsubscribeSecret { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string OrdersSetting => "whsec_" + Convert.ToBase64String(OrdersKey);
    public string PaymentsSetting => "whsec_" + Convert.ToBase64String(PaymentsKey);

    /// <summary>The app settings every scenario passes, in the flat Functions form.</summary>
    public Dictionary<string, string> AppSettings(string storageConnectionString) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["AzureWebJobsStorage"] = storageConnectionString,
        ["Webhooks__Orders__Secret"] = OrdersSetting,
        ["Webhooks__Payments__Secret"] = PaymentsSetting,
        ["Admin__Keys"] = AdminKey,
        ["Unsubscribe__Secret"] = UnsubscribeSecret,
    };
}

/// <summary>The app as a child process (`dotnet Reminders.App.dll --urls ...`), settings passed as environment variables.</summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private readonly Lock _gate = new();

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public static async Task<AppProcess> StartAsync(string appDll, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(appDll)) throw new FileNotFoundException($"The app is not built at {appDll}.", appDll);
        var url = new Uri($"http://127.0.0.1:{TestStorage.FreePort()}");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(appDll)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { appDll, "--urls", url.ToString().TrimEnd('/') }) info.ArgumentList.Add(arg);
        // The Testing environment keeps a developer's local.settings.json (found above the app folder) out:
        // the app runs on host.json and the settings given here only.
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        info.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        foreach (var (name, value) in settings) info.Environment[name] = value;

        var process = Process.Start(info) ?? throw new InvalidOperationException("The app did not start.");
        var app = new AppProcess(process, url);
        process.OutputDataReceived += (_, e) => app.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app.WaitUntilHealthyAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    /// <summary>The current working set, in bytes.</summary>
    public long WorkingSet()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    /// <summary>The highest working set since the process started (VmHWM on Linux), in bytes.</summary>
    public long PeakWorkingSet()
    {
        _process.Refresh();
        return _process.PeakWorkingSet64;
    }

    public string LastOutput()
    {
        lock (_gate) return string.Join(Environment.NewLine, _lastLines);
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            _lastLines.Enqueue(line);
            while (_lastLines.Count > 40) _lastLines.Dequeue();
        }
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The app exited with code {_process.ExitCode}:{Environment.NewLine}{LastOutput()}");
            try
            {
                using var response = await client.GetAsync("/api/health", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // slow start
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"The app did not become healthy in 60 s:{Environment.NewLine}{LastOutput()}");
            await Task.Delay(200, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // gone or going; nothing more to do
            }
        }
        _process.Dispose();
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
