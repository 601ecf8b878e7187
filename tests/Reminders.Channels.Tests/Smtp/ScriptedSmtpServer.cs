using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Reminders.Channels.Tests.Smtp;

/// <summary>How the <see cref="ScriptedSmtpServer"/> behaves.</summary>
internal sealed record ScriptedSmtpServerOptions
{
    /// <summary>When set, STARTTLS is offered (before TLS) and served with this certificate.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>AUTH mechanisms offered after TLS (and before it too when <see cref="OfferAuthInClear"/>).</summary>
    public IReadOnlyList<string> AuthMechanisms { get; init; } = [];

    /// <summary>Offer AUTH before TLS as well, as a careless server would: the client must still not use it.</summary>
    public bool OfferAuthInClear { get; init; }

    /// <summary>MAIL FROM is refused with 530 until the client has authenticated.</summary>
    public bool RequireAuth { get; init; }

    public string User { get; init; } = "";

    public string Password { get; init; } = "";

    /// <summary>Replies in place of the normal ones, by step: GREETING, EHLO, MAIL, RCPT, DATA, END (after the message).</summary>
    public IReadOnlyDictionary<string, string> Replies { get; init; } = new Dictionary<string, string>();

    /// <summary>Accept the connection and never say anything.</summary>
    public bool Silent { get; init; }

    /// <summary>Close the connection without a word once a message was accepted, as a server does with an idle client.</summary>
    public bool CloseAfterEachMessage { get; init; }
}

/// <summary>One command line the client sent (AUTH LOGIN's base64 answers are not commands and not recorded), and whether the connection was encrypted when it came.</summary>
internal sealed record ClientLine(string Line, bool OverTls);

/// <summary>
/// A small SMTP server for tests (TcpListener, one connection at a time) that answers by a script and records
/// the conversation: every client line, the credentials it received, and the DATA lines exactly as they came on
/// the wire (still dot-stuffed).
/// </summary>
internal sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly ScriptedSmtpServerOptions _options;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _connections;

    public ScriptedSmtpServer(ScriptedSmtpServerOptions options)
    {
        _options = options;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many connections the server has accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public ConcurrentQueue<ClientLine> ClientLines { get; } = new();

    public ConcurrentQueue<string> DataLines { get; } = new();

    public string? AuthenticatedUser { get; private set; }

    public string? ReceivedPassword { get; private set; }

    public bool AuthenticatedOverTls { get; private set; }

    public TaskCompletionSource ConnectionAccepted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IEnumerable<string> Commands => ClientLines.Select(l => l.Line.Split(' ', 2)[0].ToUpperInvariant());

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            ConnectionAccepted.TrySetResult();
            using (client)
            {
                try
                {
                    await ServeAsync(client.GetStream(), _stop.Token);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
                {
                    // The client went away; the recording so far stands.
                }
            }
        }
    }

    private async Task ServeAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (_options.Silent)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return;
        }
        var tls = false;
        var authenticated = false;
        await SendAsync(stream, Reply("GREETING", "220 test.local ESMTP scripted"), cancellationToken);
        if (!Reply("GREETING", "220").StartsWith("220", StringComparison.Ordinal)) return;
        while (true)
        {
            var line = await ReadLineAsync(stream, cancellationToken);
            if (line is null) return;
            ClientLines.Enqueue(new ClientLine(line, tls));
            var parts = line.Split(' ', 3);
            switch (parts[0].ToUpperInvariant())
            {
                case "EHLO":
                    await SendAsync(stream, Reply("EHLO", EhloReply(tls)), cancellationToken);
                    break;
                case "HELO":
                    await SendAsync(stream, "250 test.local", cancellationToken);
                    break;
                case "STARTTLS" when _options.Certificate is not null && !tls:
                    await SendAsync(stream, "220 2.0.0 Ready to start TLS", cancellationToken);
                    var secure = new SslStream(stream);
                    await secure.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _options.Certificate }, cancellationToken);
                    stream = secure;
                    tls = true;
                    break;
                case "AUTH":
                    authenticated = await AuthenticateAsync(stream, parts, tls, cancellationToken);
                    break;
                case "MAIL":
                    await SendAsync(stream, _options.RequireAuth && !authenticated ? "530 5.7.0 Authentication required" : Reply("MAIL", "250 2.1.0 Ok"), cancellationToken);
                    break;
                case "RCPT":
                    await SendAsync(stream, Reply("RCPT", "250 2.1.5 Ok"), cancellationToken);
                    break;
                case "DATA":
                    var dataReply = Reply("DATA", "354 End data with <CR><LF>.<CR><LF>");
                    await SendAsync(stream, dataReply, cancellationToken);
                    if (!dataReply.StartsWith("354", StringComparison.Ordinal)) break;
                    while (await ReadLineAsync(stream, cancellationToken) is { } dataLine && dataLine != ".") DataLines.Enqueue(dataLine);
                    await SendAsync(stream, Reply("END", "250 2.0.0 Ok: queued as SCRIPTED1"), cancellationToken);
                    if (_options.CloseAfterEachMessage) return;
                    break;
                case "QUIT":
                    await SendAsync(stream, "221 2.0.0 Bye", cancellationToken);
                    return;
                case "RSET" or "NOOP":
                    await SendAsync(stream, "250 2.0.0 Ok", cancellationToken);
                    break;
                default:
                    await SendAsync(stream, "502 5.5.2 Command not recognized", cancellationToken);
                    break;
            }
        }
    }

    private string EhloReply(bool tls)
    {
        var lines = new List<string> { "test.local greets you", "PIPELINING", "8BITMIME" };
        if (_options.Certificate is not null && !tls) lines.Add("STARTTLS");
        if (_options.AuthMechanisms.Count > 0 && (tls || _options.OfferAuthInClear)) lines.Add("AUTH " + string.Join(" ", _options.AuthMechanisms));
        return string.Join("\r\n", lines.Select((l, i) => (i == lines.Count - 1 ? "250 " : "250-") + l));
    }

    private async Task<bool> AuthenticateAsync(Stream stream, string[] parts, bool tls, CancellationToken cancellationToken)
    {
        var mechanism = parts.Length > 1 ? parts[1].ToUpperInvariant() : "";
        string user, password;
        if (mechanism == "PLAIN" && parts.Length == 3)
        {
            var fields = Encoding.UTF8.GetString(Convert.FromBase64String(parts[2])).Split('\0');
            if (fields.Length != 3)
            {
                await SendAsync(stream, "501 5.5.2 Bad PLAIN response", cancellationToken);
                return false;
            }
            (user, password) = (fields[1], fields[2]);
        }
        else if (mechanism == "LOGIN")
        {
            await SendAsync(stream, "334 VXNlcm5hbWU6", cancellationToken);
            var userLine = await ReadLineAsync(stream, cancellationToken) ?? "";
            await SendAsync(stream, "334 UGFzc3dvcmQ6", cancellationToken);
            var passwordLine = await ReadLineAsync(stream, cancellationToken) ?? "";
            user = Encoding.UTF8.GetString(Convert.FromBase64String(userLine));
            password = Encoding.UTF8.GetString(Convert.FromBase64String(passwordLine));
        }
        else
        {
            await SendAsync(stream, "504 5.5.4 Unrecognized authentication type", cancellationToken);
            return false;
        }
        AuthenticatedUser = user;
        ReceivedPassword = password;
        AuthenticatedOverTls = tls;
        var ok = user == _options.User && password == _options.Password;
        await SendAsync(stream, ok ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid", cancellationToken);
        return ok;
    }

    private string Reply(string step, string normal) => _options.Replies.TryGetValue(step, out var reply) ? reply : normal;

    /// <summary>Writes a reply; after a 421 the server closes the connection, as RFC 5321 says it does.</summary>
    private static async Task SendAsync(Stream stream, string reply, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(reply + "\r\n"), cancellationToken);
        await stream.FlushAsync(cancellationToken);
        if (reply.StartsWith("421", StringComparison.Ordinal)) await stream.DisposeAsync();
    }

    /// <summary>One CRLF-ended line, read byte by byte so nothing is buffered past it (the stream may turn into TLS next).</summary>
    private static async Task<string?> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0) return null;
            if (one[0] == '\n') break;
            bytes.Add(one[0]);
        }
        if (bytes.Count > 0 && bytes[^1] == '\r') bytes.RemoveAt(bytes.Count - 1);
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }
        _listener.Dispose();
        _stop.Dispose();
    }
}
