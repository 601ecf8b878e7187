using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Queues;

namespace Reminders.TestSupport;

/// <summary>
/// Where the tests find a real Azurite. test.sh starts one and sets REMINDERS_TEST_STORAGE;
/// when the tests run without it (an IDE, a bare `dotnet test`), one Azurite is started here
/// from the repository's pinned npm tools and stopped when the test process exits.
/// </summary>
public static class TestStorage
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Lazy<string> Shared = new(StartOrFind, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Connection string of the shared Azurite for this test run.</summary>
    public static string ConnectionString => Shared.Value;

    /// <summary>A name unique to this call, safe for tables and queues (letters and digits, lower case).</summary>
    public static string UniqueName(string prefix) => (prefix + Guid.NewGuid().ToString("N")[..12]).ToLowerInvariant();

    /// <summary>
    /// The Queue service of the Azurite at <paramref name="connectionString"/>, reading and writing messages as the app
    /// and the Functions queue trigger do: Base64 of UTF-8 text.
    /// </summary>
    public static QueueServiceClient Queues(string connectionString) =>
        new(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts a private, in-memory Azurite (for tests that stop storage on purpose).</summary>
    public static AzuriteProcess StartPrivateAzurite() => AzuriteProcess.Start(FreePort(), FreePort(), FreePort());

    private static string StartOrFind()
    {
        var fromScript = Environment.GetEnvironmentVariable("REMINDERS_TEST_STORAGE");
        if (!string.IsNullOrWhiteSpace(fromScript)) return fromScript;
        var azurite = AzuriteProcess.Start(FreePort(), FreePort(), FreePort());
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.Dispose();
        return azurite.ConnectionString;
    }

    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reminders.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Cannot find the repository root (Reminders.sln) above " + AppContext.BaseDirectory);
    }
}

public sealed class AzuriteProcess : IDisposable
{
    private readonly Process _process;

    private AzuriteProcess(Process process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }
    public string ConnectionString => TestStorage.ConnectionStringFor(BlobPort, QueuePort, TablePort);

    public static AzuriteProcess Start(int blobPort, int queuePort, int tablePort)
    {
        var bin = Environment.GetEnvironmentVariable("REMINDERS_TEST_AZURITE");
        if (string.IsNullOrWhiteSpace(bin)) bin = Path.Combine(TestStorage.FindRepositoryRoot(), "node_modules", ".bin", "azurite");
        if (!File.Exists(bin)) throw new InvalidOperationException($"Azurite is not installed at {bin}; run ./test.sh (it runs npm ci).");
        var info = new ProcessStartInfo(bin)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", blobPort.ToString(), "--queuePort", queuePort.ToString(), "--tablePort", tablePort.ToString(),
        })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new AzuriteProcess(process, blobPort, queuePort, tablePort);
        azurite.WaitUntilListening();
        return azurite;
    }

    private void WaitUntilListening()
    {
        var deadline = DateTime.UtcNow.AddSeconds(90); // node starts slowly on a busy 2-core machine
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (true)
            {
                try
                {
                    using var client = new TcpClient();
                    client.Connect(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
                {
                    Thread.Sleep(100);
                }
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }
}
