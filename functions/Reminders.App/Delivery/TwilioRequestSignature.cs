using System.Security.Cryptography;
using System.Text;
using Reminders.Core;

namespace Reminders.App.Delivery;

/// <summary>
/// Twilio's X-Twilio-Signature for form-encoded webhooks: Base64 of HMAC-SHA1, keyed with the account's auth
/// token, over the full URL Twilio called followed by every POST parameter sorted by name, name and value
/// concatenated without separators.
/// </summary>
public static class TwilioRequestSignature
{
    public const string Header = "X-Twilio-Signature";

    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters, string? signature)
    {
        if (string.IsNullOrEmpty(signature)) return false;
        return FixedTime.Equal(Encoding.UTF8.GetBytes(Compute(authToken, url, parameters)), Encoding.UTF8.GetBytes(signature.Trim()));
    }
}
