using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Reminders.Channels.Smtp;

/// <summary>The server sent something that is not SMTP.</summary>
internal sealed class SmtpProtocolException(string message) : Exception(message);

/// <summary>One TCP connection to an SMTP server: command lines out, replies in, STARTTLS, and the DATA body.</summary>
internal sealed class SmtpConnection : IAsyncDisposable
{
    private const int MaxLineBytes = 8192;
    private const int MaxReplyLines = 256;

    private readonly TcpClient _client;
    private readonly byte[] _buffer = new byte[4096];
    private Stream _stream;
    private int _position;
    private int _length;

    private SmtpConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public bool IsEncrypted => _stream is SslStream;

    public static async Task<SmtpConnection> OpenAsync(string host, int port, CancellationToken cancellationToken)
    {
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new SmtpConnection(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async Task<SmtpReply> CommandAsync(string command, CancellationToken cancellationToken)
    {
        await WriteLineAsync(command, cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteLineAsync(string line, CancellationToken cancellationToken)
    {
        if (line.Any(c => c is '\r' or '\n' || c > '~')) throw new ArgumentException("A command line must be one line of ASCII.", nameof(line));
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one reply, all lines of a multi-line one ("250-first", "250-second", "250 last").</summary>
    public async Task<SmtpReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line.Length < 3 || !line.Take(3).All(char.IsAsciiDigit) || (line.Length > 3 && line[3] is not (' ' or '-')))
                throw new SmtpProtocolException("The server sent a line that is not an SMTP reply.");
            var code = int.Parse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture);
            lines.Add(line.Length > 4 ? line[4..] : "");
            if (line.Length == 3 || line[3] == ' ') return new SmtpReply(code, lines);
            if (lines.Count > MaxReplyLines) throw new SmtpProtocolException("The server sent a reply of too many lines.");
        }
    }

    /// <summary>
    /// Starts TLS on this connection. Anything the server sent before the handshake is forgotten (RFC 3207 4.2),
    /// so nothing injected in clear text can pass as a reply from the encrypted session.
    /// </summary>
    public async Task UpgradeToTlsAsync(string host, RemoteCertificateValidationCallback? validation, CancellationToken cancellationToken)
    {
        _position = _length = 0;
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions { TargetHost = host, RemoteCertificateValidationCallback = validation },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        _stream = tls;
    }

    /// <summary>Sends the message after a 354: dot-stuffed (RFC 5321 4.5.2) and ended with CRLF "." CRLF.</summary>
    public async Task WriteDataAsync(byte[] message, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(DotStuff(message), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static byte[] DotStuff(byte[] message)
    {
        var output = new MemoryStream(message.Length + 64);
        var atLineStart = true;
        foreach (var b in message)
        {
            if (atLineStart && b == '.') output.WriteByte((byte)'.');
            output.WriteByte(b);
            atLineStart = b == '\n';
        }
        if (!atLineStart) output.Write("\r\n"u8);
        output.Write(".\r\n"u8);
        return output.ToArray();
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new MemoryStream();
        while (true)
        {
            if (_position == _length)
            {
                _length = await _stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                _position = 0;
                if (_length == 0) throw new IOException("The server closed the connection.");
            }
            var newline = Array.IndexOf(_buffer, (byte)'\n', _position, _length - _position);
            var end = newline < 0 ? _length : newline;
            line.Write(_buffer, _position, end - _position);
            if (line.Length > MaxLineBytes) throw new SmtpProtocolException("The server sent a reply line that is too long.");
            if (newline >= 0)
            {
                _position = newline + 1;
                break;
            }
            _position = _length;
        }
        var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (bytes.Length > 0 && bytes[^1] == '\r') bytes = bytes[..^1];
        return Encoding.UTF8.GetString(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _client.Dispose();
    }
}
