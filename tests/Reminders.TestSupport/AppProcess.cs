using System.Diagnostics;
using System.Net;

namespace Reminders.TestSupport;

/// <summary>The app as a child process (`dotnet Reminders.App.dll --urls ...`), settings passed as environment variables.</summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private readonly Lock _gate = new();
    private StreamWriter? _log;

    private AppProcess(Process process, Uri baseAddress, string? logFile)
    {
        _process = process;
        BaseAddress = baseAddress;
        if (logFile is not null) _log = new StreamWriter(logFile, append: true) { AutoFlush = true };
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts the app and waits until /api/health answers 200. <paramref name="url"/> chooses the address (a restart
    /// on the same one), else a free port; <paramref name="logFile"/> gets every line the app writes.
    /// </summary>
    public static async Task<AppProcess> StartAsync(
        string appDll, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken, Uri? url = null, string? logFile = null)
    {
        if (!File.Exists(appDll)) throw new FileNotFoundException($"The app is not built at {appDll}.", appDll);
        url ??= new Uri($"http://127.0.0.1:{TestStorage.FreePort()}");
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
        var app = new AppProcess(process, url, logFile);
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
            _log?.WriteLine(line);
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

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL (on Linux, what Process.Kill sends): no shutdown, no finally blocks, as a crashed host.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
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

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        lock (_gate)
        {
            _log?.Dispose();
            _log = null;
        }
    }
}
