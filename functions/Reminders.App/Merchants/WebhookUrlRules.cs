using System.Net;
using System.Net.Sockets;

namespace Reminders.App.Merchants;

/// <summary>
/// Where alert webhooks may go: https to a public address. Loopback, link-local, private (RFC 1918, fc00::/7),
/// shared (100.64.0.0/10) and unspecified addresses are refused, so a merchant cannot make the app call into its own
/// network; MerchantStore__AllowPrivateWebhookUrls lifts both rules for local runs.
/// </summary>
public static class WebhookUrlRules
{
    /// <summary>Why <paramref name="url"/> may not be used, or null when it may.</summary>
    public static string? Problem(Uri url, bool allowPrivate)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            return "must be an absolute https URL.";
        if (allowPrivate) return null;
        if (url.Scheme != Uri.UriSchemeHttps) return "must be https.";
        if (!string.IsNullOrEmpty(url.UserInfo)) return "must not hold credentials.";
        var host = url.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return "must not point at a loopback address.";
        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && !IsPublic(address)
            ? "must not point at a loopback, link-local or private address."
            : null;
    }

    /// <summary>
    /// The connect step of the alert webhooks' HttpClient: a host name is resolved here and every address it gives
    /// must be public, so a name that points (or is re-pointed) at a private address is not called either.
    /// </summary>
    public static async ValueTask<Stream> ConnectToPublicAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Length == 0 || !addresses.All(IsPublic))
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"{host} resolves to a loopback, link-local or private address; alert webhooks go to public addresses only.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(addresses[0], context.DnsEndPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Whether a connection to <paramref name="address"/> leaves the machine's own networks.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return false;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var first = address.GetAddressBytes()[0];
            return !address.IsIPv6LinkLocal && !address.IsIPv6SiteLocal && (first & 0xFE) != 0xFC; // fc00::/7 unique local
        }
        var b = address.GetAddressBytes();
        return !(b[0] == 10
            || b[0] == 0
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127));
    }
}
