using System.Net;
using System.Net.Sockets;
using System.Text;
using Reminders.App.Tests.Support;

namespace Reminders.App.Tests.Webhooks;

/// <summary>
/// The 64 KiB limits of the anonymous routes (webhooks, Twilio's inbound SMS) on a real Kestrel socket: a chunked
/// upload that would be 16 MiB gets its 413 while the sender is still sending, so the body is never read (or
/// buffered) whole.
/// </summary>
public sealed class KestrelBodyLimitTests : IDisposable
{
    private readonly ReminderAppFactory _app = new(services: WebhookTestKit.WithoutBackgroundTriggers);

    public KestrelBodyLimitTests()
    {
        _app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
    }

    [Theory]
    [InlineData("/api/webhooks/orders", "application/json")]
    [InlineData("/api/sms/inbound/twilio", "application/x-www-form-urlencoded")]
    public async Task A_chunked_upload_over_64_KiB_is_answered_413_before_it_is_sent_whole(string path, string contentType)
    {
        using var client = _app.CreateClient();
        var port = client.BaseAddress!.Port;
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var stream = socket.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {contentType}\r\nTransfer-Encoding: chunked\r\n" +
                   "webhook-id: msg_kestrel\r\nwebhook-timestamp: " + DateTimeOffset.UtcNow.ToUnixTimeSeconds() + "\r\nwebhook-signature: v1,AAAA\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        var reading = ReadStatusLineAsync(stream);
        var chunk = Encoding.ASCII.GetBytes("1000\r\n" + new string(' ', 4096) + "\r\n");
        long sent = 0;
        const long total = 16L * 1024 * 1024;
        try
        {
            while (sent < total && !reading.IsCompleted)
            {
                await stream.WriteAsync(chunk);
                sent += 4096;
            }
        }
        catch (IOException)
        {
            // The server closed the connection after answering: it will not read the rest.
        }

        var status = await reading.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("HTTP/1.1 413", status);
        Assert.True(sent < total, "the whole body was sent before the answer came");
    }

    private static async Task<string> ReadStatusLineAsync(NetworkStream stream)
    {
        var buffer = new byte[1024];
        var line = new StringBuilder();
        while (true)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0) return line.ToString();
            line.Append(Encoding.ASCII.GetString(buffer, 0, read));
            var end = line.ToString().IndexOf("\r\n", StringComparison.Ordinal);
            if (end >= 0) return line.ToString()[..end];
        }
    }

    public void Dispose() => _app.Dispose();
}
