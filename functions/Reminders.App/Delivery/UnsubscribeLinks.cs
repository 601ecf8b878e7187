using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Reminders.Core;

namespace Reminders.App.Delivery;

/// <summary>
/// Signed one-click unsubscribe links (RFC 8058) for buyer emails:
/// <c>{Reminders__PublicBaseUrl}/api/unsubscribe?token=...</c> where the token is
/// <c>base64url(buyer key) "." base64url(HMAC-SHA256(key, "unsubscribe:email:" + buyer key))</c>, where the buyer key
/// is the scope the opt-out applies to: merchant and buyer id (<c>m-1|b-1</c>), or the buyer id alone when
/// Buyers__GlobalIds is set (<see cref="Buyers.BuyerStore.KeyOf"/>).
/// The token names no contact, only the buyer's key, and does not expire: an old email's link still works, also after
/// a rotation of Unsubscribe__Secret that keeps the old secret in the list (<see cref="UnsubscribeSecrets"/>).
/// </summary>
public sealed class UnsubscribeLinks(DeliverySettings settings, UnsubscribeSecrets secrets)
{
    public const string Route = "api/unsubscribe";

    public string TokenFor(string buyerKey) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(buyerKey)) + "." + Base64Url.EncodeToString(Mac(secrets.Keys[0], buyerKey));

    public Uri LinkFor(string buyerKey) =>
        new(settings.PublicBaseUrl.AbsoluteUri.TrimEnd('/') + "/" + Route + "?token=" + TokenFor(buyerKey));

    /// <summary>The List-Unsubscribe and List-Unsubscribe-Post headers of a buyer email.</summary>
    public IReadOnlyDictionary<string, string> HeadersFor(string buyerKey) => new Dictionary<string, string>
    {
        ["List-Unsubscribe"] = $"<{LinkFor(buyerKey).AbsoluteUri}>",
        ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
    };

    /// <summary>The buyer key a token was made for, or null when it is malformed or its signature does not match.</summary>
    public string? TryReadToken(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 400) return null;
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0) return null;
        try
        {
            var buyerKey = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, dot)));
            var mac = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
            if (buyerKey.Length == 0) return null;
            var signed = false;
            foreach (var key in secrets.Keys) signed |= FixedTime.Equal(Mac(key, buyerKey), mac);
            return signed ? buyerKey : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[] Mac(byte[] key, string buyerKey) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("unsubscribe:email:" + buyerKey));
}
