using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests.Smtp;

/// <summary>
/// A real maildev (SMTP server with a web inbox and REST API). test.sh starts one and sets REMINDERS_TEST_SMTP_PORT
/// and REMINDERS_TEST_MAILDEV_URL; without them the fixture starts its own from the repository's node_modules on
/// free ports and stops it at the end.
/// </summary>
public sealed class MaildevFixture : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process? _process;

    public MaildevFixture()
    {
        var smtpPort = Environment.GetEnvironmentVariable("REMINDERS_TEST_SMTP_PORT");
        var webUrl = Environment.GetEnvironmentVariable("REMINDERS_TEST_MAILDEV_URL");
        if (!string.IsNullOrWhiteSpace(smtpPort) && !string.IsNullOrWhiteSpace(webUrl))
        {
            SmtpPort = int.Parse(smtpPort, System.Globalization.CultureInfo.InvariantCulture);
            WebUrl = new Uri(webUrl.TrimEnd('/') + "/");
            return;
        }

        SmtpPort = TestStorage.FreePort();
        var webPort = TestStorage.FreePort();
        WebUrl = new Uri($"http://127.0.0.1:{webPort}/");
        var maildev = Path.Combine(FindRepositoryRoot(), "node_modules", ".bin", "maildev");
        if (!File.Exists(maildev)) throw new InvalidOperationException($"maildev is not installed at {maildev}; run ./test.sh (it runs npm ci).");
        var info = new ProcessStartInfo(maildev) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--ip", "127.0.0.1", "--smtp", SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--web", webPort.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException("maildev did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilListening(SmtpPort);
        WaitUntilListening(webPort);
    }

    public int SmtpPort { get; }

    /// <summary>The web and REST root, ending in "/".</summary>
    public Uri WebUrl { get; }

    /// <summary>Polls GET /email until a message with this subject is there.</summary>
    public async Task<JsonElement> WaitForEmailAsync(string subject)
    {
        using var http = new HttpClient { BaseAddress = WebUrl };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var json = await http.GetStringAsync("email", deadline.Token);
            using var emails = JsonDocument.Parse(json);
            foreach (var email in emails.RootElement.EnumerateArray())
            {
                if (email.TryGetProperty("subject", out var s) && s.GetString() == subject) return email.Clone();
            }
            await Task.Delay(200, deadline.Token);
        }
    }

    private void WaitUntilListening(int port)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (waited.Elapsed < StartTimeout && _process is { HasExited: false })
            {
                Thread.Sleep(100);
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reminders.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Cannot find the repository root (Reminders.sln) above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }
}
