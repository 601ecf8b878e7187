namespace Reminders.App.Delivery;

/// <summary>
/// One HttpClient per provider, made here because IHttpClientFactory is not available: each on its own
/// SocketsHttpHandler whose pooled connections are renewed (so DNS changes are seen), with the Channels__HttpTimeout.
/// </summary>
public sealed class DeliveryHttpClients(DeliverySettings settings) : IDisposable
{
    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private readonly List<HttpClient> _clients = [];

    /// <summary>A new client for one provider; disposed with this object.</summary>
    public HttpClient Create()
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = PooledConnectionLifetime,
            ConnectTimeout = settings.HttpTimeout < TimeSpan.FromSeconds(10) ? settings.HttpTimeout : TimeSpan.FromSeconds(10),
            AllowAutoRedirect = false,
        };
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = settings.HttpTimeout };
        lock (_gate) _clients.Add(client);
        return client;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var client in _clients) client.Dispose();
            _clients.Clear();
        }
    }
}
