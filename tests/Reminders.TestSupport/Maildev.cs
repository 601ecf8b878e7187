using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Reminders.TestSupport;

/// <summary>
/// A real maildev (SMTP server with a web inbox and REST API). test.sh starts one and sets REMINDERS_TEST_SMTP_PORT
/// and REMINDERS_TEST_MAILDEV_URL; without them one is started here from the repository's node_modules on free
/// ports and stopped on Dispose.
/// </summary>
public sealed class Maildev : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process? _process;

    public Maildev()
    {
        var smtpPort = Environment.GetEnvironmentVariable("REMINDERS_TEST_SMTP_PORT");
        var webUrl = Environment.GetEnvironmentVariable("REMINDERS_TEST_MAILDEV_URL");
        if (!string.IsNullOrWhiteSpace(smtpPort) && !string.IsNullOrWhiteSpace(webUrl))
        {
            SmtpPort = int.Parse(smtpPort, CultureInfo.InvariantCulture);
            WebUrl = new Uri(webUrl.TrimEnd('/') + "/");
            return;
        }

        SmtpPort = TestStorage.FreePort();
        var webPort = TestStorage.FreePort();
        WebUrl = new Uri($"http://127.0.0.1:{webPort}/");
        var maildev = Path.Combine(TestStorage.FindRepositoryRoot(), "node_modules", ".bin", "maildev");
        if (!File.Exists(maildev)) throw new InvalidOperationException($"maildev is not installed at {maildev}; run ./test.sh (it runs npm ci).");
        var info = new ProcessStartInfo(maildev) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--ip", "127.0.0.1", "--smtp", SmtpPort.ToString(CultureInfo.InvariantCulture), "--web", webPort.ToString(CultureInfo.InvariantCulture) })
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

    /// <summary>Every message maildev holds, as its REST API lists them (GET /email).</summary>
    public async Task<JsonElement> GetEmailsAsync(CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { BaseAddress = WebUrl };
        using var emails = JsonDocument.Parse(await http.GetStringAsync("email", cancellationToken));
        return emails.RootElement.Clone();
    }

    /// <summary>Polls until a message matching <paramref name="match"/> is there (60 s at most).</summary>
    public async Task<JsonElement> WaitForEmailAsync(Func<JsonElement, bool> match)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            foreach (var email in (await GetEmailsAsync(deadline.Token)).EnumerateArray())
            {
                if (match(email)) return email;
            }
            await Task.Delay(200, deadline.Token);
        }
    }

    public static bool IsTo(JsonElement email, string address) =>
        email.GetProperty("to").EnumerateArray().Any(t => string.Equals(t.GetProperty("address").GetString(), address, StringComparison.OrdinalIgnoreCase));

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
