using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Reminders.App.Tests.Support;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Hosting;

/// <summary>
/// The path the Functions host takes, as far as it runs without one: started with the host's command line, the built
/// app composes its services on FunctionsApplication and dials the host's gRPC endpoint. (No Functions host runs
/// here; a TCP listener stands in for its endpoint and only sees the HTTP/2 connection preface.)
/// </summary>
public sealed class FunctionsHostStartTests
{
    private static readonly byte[] Http2Preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    private static Process StartWorker(int hostPort, IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Reminders.App.dll"));
        var uri = $"http://127.0.0.1:{hostPort}/";
        foreach (var argument in new[]
        {
            "--host", "127.0.0.1", "--port", hostPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--workerId", "w1", "--requestId", "r1",
            "--grpcMaxMessageLength", "2147483647", "--functions-uri", uri, "--functions-worker-id", "w1",
            "--functions-request-id", "r1", "--functions-grpc-max-message-length", "2147483647",
        })
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in settings) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    private static Dictionary<string, string> ValidSettings() => new()
    {
        ["AzureWebJobsStorage"] = TestStorage.ConnectionString,
        ["Webhooks__Orders__Secret"] = ReminderAppFactory.OrdersSecretSetting,
        ["Webhooks__Payments__Secret"] = ReminderAppFactory.PaymentsSecretSetting,
        ["Admin__Keys"] = ReminderAppFactory.AdminKey,
        ["Unsubscribe__Secret"] = "unsubscribe-secret-for-tests-0123456789",
    };

    [Fact]
    public async Task Started_by_the_Functions_host_the_worker_composes_its_services_and_dials_the_host()
    {
        using var host = new TcpListener(IPAddress.Loopback, 0);
        host.Start();
        var port = ((IPEndPoint)host.LocalEndpoint).Port;
        using var worker = StartWorker(port, ValidSettings());
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            using var connection = await host.AcceptTcpClientAsync(timeout.Token);
            var preface = new byte[Http2Preface.Length];
            await connection.GetStream().ReadExactlyAsync(preface, timeout.Token);
            Assert.Equal(Http2Preface, preface);
        }
        finally
        {
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Started_by_the_Functions_host_a_bad_setting_stops_the_worker_naming_it()
    {
        using var host = new TcpListener(IPAddress.Loopback, 0);
        host.Start();
        var settings = ValidSettings();
        settings["Reminders__PaymentDue__Steps"] = "soon";
        using var worker = StartWorker(((IPEndPoint)host.LocalEndpoint).Port, settings);
        var errors = worker.StandardError.ReadToEndAsync();
        var output = worker.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await worker.WaitForExitAsync(timeout.Token);

        Assert.NotEqual(0, worker.ExitCode);
        Assert.Contains("Reminders__PaymentDue__Steps", await errors + await output);
    }
}
