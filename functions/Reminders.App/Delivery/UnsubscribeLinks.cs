using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Reminders.Core;

namespace Reminders.App.Delivery;

/// <summary>
/// Signed one-click unsubscribe links (RFC 8058) for buyer emails:
/// <c>{Reminders__PublicBaseUrl}/api/unsubscribe?token=...</c> where the token is
/// <c>base64url(buyer id) "." base64url(HMAC-SHA256(key, "unsubscribe:email:" + buyer id))</c>.
/// The token names no contact, only the buyer id, and does not expire: an old email's link still works, also after
/// a rotation of Unsubscribe__Secret that keeps the old secret in the list (<see cref="UnsubscribeSecrets"/>).
/// </summary>
public sealed class UnsubscribeLinks(DeliverySettings settings, UnsubscribeSecrets secrets)
{
    public const string Route = "api/unsubscribe";

    public string TokenFor(string buyerId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(buyerId)) + "." + Base64Url.EncodeToString(Mac(secrets.Keys[0], buyerId));

    public Uri LinkFor(string buyerId) =>
        new(settings.PublicBaseUrl.AbsoluteUri.TrimEnd('/') + "/" + Route + "?token=" + TokenFor(buyerId));

    /// <summary>The List-Unsubscribe and List-Unsubscribe-Post headers of a buyer email.</summary>
    public IReadOnlyDictionary<string, string> HeadersFor(string buyerId) => new Dictionary<string, string>
    {
        ["List-Unsubscribe"] = $"<{LinkFor(buyerId).AbsoluteUri}>",
        ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
    };

    /// <summary>The buyer id a token was made for, or null when it is malformed or its signature does not match.</summary>
    public string? TryReadToken(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 400) return null;
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0) return null;
        try
        {
            var buyerId = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, dot)));
            var mac = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
            if (buyerId.Length == 0) return null;
            var signed = false;
            foreach (var key in secrets.Keys) signed |= FixedTime.Equal(Mac(key, buyerId), mac);
            return signed ? buyerId : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[] Mac(byte[] key, string buyerId) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("unsubscribe:email:" + buyerId));
}
