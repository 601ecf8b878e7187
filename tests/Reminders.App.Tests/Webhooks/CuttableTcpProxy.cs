using System.Net;
using System.Net.Sockets;

namespace Reminders.App.Tests.Webhooks;

/// <summary>
/// A TCP forwarder on a free loopback port to <c>127.0.0.1:{targetPort}</c> that can be cut (every open connection is
/// reset and new ones are reset on accept, as when the network to storage fails) and restored, while the storage
/// behind it keeps its data; or stalled (connections are accepted and never answered, as when packets are dropped).
/// </summary>
internal sealed class CuttableTcpProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly HashSet<TcpClient> _open = [];
    private readonly HashSet<TcpClient> _stalled = [];
    private bool _cut;
    private bool _stall;

    public CuttableTcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Cut()
    {
        lock (_gate)
        {
            _cut = true;
            foreach (var client in _open) Reset(client);
            _open.Clear();
        }
    }

    /// <summary>Resets open connections and takes new ones without ever forwarding a byte.</summary>
    public void Stall()
    {
        lock (_gate)
        {
            _stall = true;
            foreach (var client in _open) Reset(client);
            _open.Clear();
        }
    }

    public void Restore()
    {
        lock (_gate)
        {
            _cut = false;
            _stall = false;
            foreach (var client in _stalled) Reset(client);
            _stalled.Clear();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_gate)
            {
                if (_stall)
                {
                    _stalled.Add(client);
                    continue;
                }
            }
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        try
        {
            if (!Track(client)) return;
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            if (!Track(upstream)) return;
            var down = client.GetStream();
            var up = upstream.GetStream();
            await Task.WhenAny(down.CopyToAsync(up, _stop.Token), up.CopyToAsync(down, _stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A cut connection: nothing to forward any more.
        }
        finally
        {
            lock (_gate)
            {
                _open.Remove(client);
                _open.Remove(upstream);
            }
            Reset(client);
            Reset(upstream);
        }
    }

    /// <summary>Registers an open connection; false (and the connection reset) while cut.</summary>
    private bool Track(TcpClient connection)
    {
        lock (_gate)
        {
            if (_cut)
            {
                Reset(connection);
                return false;
            }
            _open.Add(connection);
            return true;
        }
    }

    private static void Reset(TcpClient connection)
    {
        try
        {
            if (connection.Client is { } socket) socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
        connection.Dispose();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
        Restore();
        _stop.Dispose();
    }
}
