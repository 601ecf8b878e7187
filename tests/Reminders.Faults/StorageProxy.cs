using System.Net;
using System.Net.Sockets;
using Reminders.TestSupport;

namespace Reminders.Faults;

/// <summary>
/// A TCP relay in front of Azurite's three ports, so that the app's storage can be taken away and given back: while
/// cut, open connections are reset and new ones refused (nothing listens), as when a storage account is unreachable.
/// </summary>
public sealed class StorageProxy : IAsyncDisposable
{
    private readonly List<Relay> _relays;

    private StorageProxy(List<Relay> relays) => _relays = relays;

    public string ConnectionString => TestStorage.ConnectionStringFor(_relays[0].Port, _relays[1].Port, _relays[2].Port);

    public static StorageProxy Start(AzuriteProcess azurite) => new(
        [.. new[] { azurite.BlobPort, azurite.QueuePort, azurite.TablePort }.Select(target => Relay.Start(TestStorage.FreePort(), target))]);

    public void Cut()
    {
        foreach (var relay in _relays) relay.Cut();
    }

    public void Restore()
    {
        foreach (var relay in _relays) relay.Listen();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in _relays) await relay.DisposeAsync();
    }

    private sealed class Relay : IAsyncDisposable
    {
        private readonly int _target;
        private readonly Lock _gate = new();
        private readonly List<(TcpClient A, TcpClient B)> _open = [];
        private TcpListener? _listener;
        private CancellationTokenSource _accepting = new();

        private Relay(int port, int target)
        {
            Port = port;
            _target = target;
        }

        public int Port { get; }

        public static Relay Start(int port, int target)
        {
            var relay = new Relay(port, target);
            relay.Listen();
            return relay;
        }

        public void Listen()
        {
            lock (_gate)
            {
                if (_listener is not null) return;
                _listener = new TcpListener(IPAddress.Loopback, Port);
                _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                _listener.Start();
                _accepting = new CancellationTokenSource();
                _ = AcceptAsync(_listener, _accepting.Token);
            }
        }

        public void Cut()
        {
            lock (_gate)
            {
                _accepting.Cancel();
                _listener?.Stop();
                _listener = null;
                foreach (var (a, b) in _open)
                {
                    a.Client.LingerState = new LingerOption(true, 0); // a reset, not a polite close
                    a.Dispose();
                    b.Dispose();
                }
                _open.Clear();
            }
        }

        private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                TcpClient inbound;
                try
                {
                    inbound = await listener.AcceptTcpClientAsync(cancellationToken);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
                _ = RelayAsync(inbound);
            }
        }

        private async Task RelayAsync(TcpClient inbound)
        {
            var outbound = new TcpClient { NoDelay = true };
            inbound.NoDelay = true;
            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, _target);
                lock (_gate) _open.Add((inbound, outbound));
                var a = inbound.GetStream();
                var b = outbound.GetStream();
                await Task.WhenAny(a.CopyToAsync(b), b.CopyToAsync(a));
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // cut, or one side went away
            }
            finally
            {
                lock (_gate) _open.Remove((inbound, outbound));
                inbound.Dispose();
                outbound.Dispose();
            }
        }

        public ValueTask DisposeAsync()
        {
            Cut();
            _accepting.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
