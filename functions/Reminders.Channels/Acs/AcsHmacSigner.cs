using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Reminders.Channels.Acs;

/// <summary>
/// ACS access-key authentication: HMAC-SHA256 with the base64-decoded access key over
/// "VERB\npath-and-query\nx-ms-date;host;x-ms-content-sha256", sent as
/// "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&amp;Signature=...".
/// </summary>
internal sealed class AcsHmacSigner(string accessKey, TimeProvider timeProvider)
{
    private readonly byte[] _key = Convert.FromBase64String(accessKey);

    public void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var date = timeProvider.GetUtcNow().ToString("r", CultureInfo.InvariantCulture);
        var contentHash = Convert.ToBase64String(SHA256.HashData(body));
        // Host as HttpClient sends it: host name plus port unless it is the scheme's default.
        var stringToSign = $"{request.Method.Method.ToUpperInvariant()}\n{uri.PathAndQuery}\n{date};{uri.Authority};{contentHash}";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign)));

        request.Headers.Add("x-ms-date", date);
        request.Headers.Add("x-ms-content-sha256", contentHash);
        request.Headers.TryAddWithoutValidation(
            "Authorization", $"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}");
    }
}
