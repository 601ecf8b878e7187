using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Reminders.Core.Webhooks;

/// <summary>
/// Signing and verifying webhooks per the Standard Webhooks specification: the signature is
/// <c>v1,&lt;base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"&gt;</c>, keyed with the bytes of a <c>whsec_</c> secret.
/// </summary>
public static class StandardWebhook
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    /// <summary>How far a timestamp may be from now, either way.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private const string Version = "v1";

    /// <summary>
    /// Parses a setting holding one or more <c>whsec_</c> secrets separated by spaces (several during rotation).
    /// The error names the setting and the position of the bad entry, never the secret itself.
    /// </summary>
    public static bool TryParseSecrets(string? value, string settingName, out IReadOnlyList<WebhookSecret> secrets, out string? error)
    {
        secrets = [];
        var entries = (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
        {
            error = $"Setting {settingName} is empty: it needs at least one '{WebhookSecret.Prefix}<base64>' secret.";
            return false;
        }
        var parsed = new List<WebhookSecret>(entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            if (!WebhookSecret.TryParse(entries[i], out var secret, out var problem))
            {
                error = $"Setting {settingName}: secret {i + 1} of {entries.Length} {problem}. Expected '{WebhookSecret.Prefix}<base64>', several separated by spaces.";
                return false;
            }
            parsed.Add(secret!);
        }
        secrets = parsed;
        error = null;
        return true;
    }

    /// <summary>As <see cref="TryParseSecrets"/>, throwing <see cref="FormatException"/> with the same message.</summary>
    public static IReadOnlyList<WebhookSecret> ParseSecrets(string? value, string settingName) =>
        TryParseSecrets(value, settingName, out var secrets, out var error) ? secrets : throw new FormatException(error);

    /// <summary>The <c>webhook-signature</c> value for one message: <c>v1,&lt;base64&gt;</c>.</summary>
    public static string Sign(WebhookSecret secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(id);
        var mac = ComputeMac(secret, id, timestamp.ToString(CultureInfo.InvariantCulture), body);
        return Version + "," + Convert.ToBase64String(mac);
    }

    /// <summary>Checks the three headers against the body as received, at time <paramref name="now"/>.</summary>
    public static WebhookVerification Verify(
        IReadOnlyList<WebhookSecret> secrets,
        string? id,
        string? timestampHeader,
        string? signatureHeader,
        ReadOnlySpan<byte> body,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(timestampHeader) || string.IsNullOrWhiteSpace(signatureHeader))
            return WebhookVerification.MissingHeaders;

        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            return WebhookVerification.MalformedTimestamp;
        var nowSeconds = now.ToUnixTimeSeconds();
        var tolerance = (long)Tolerance.TotalSeconds;
        if (nowSeconds - timestamp > tolerance) return WebhookVerification.TimestampTooOld;
        if (timestamp - nowSeconds > tolerance) return WebhookVerification.TimestampTooNew;

        // The signed content uses the header exactly as sent.
        var expected = new List<byte[]>(secrets.Count);
        foreach (var secret in secrets) expected.Add(ComputeMac(secret, id, timestampHeader, body));
        Span<byte> candidate = stackalloc byte[64];
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || !entry.AsSpan(0, comma).SequenceEqual(Version)) continue; // other versions are not ours to check
            if (!Convert.TryFromBase64String(entry[(comma + 1)..], candidate, out var length)) continue;
            foreach (var mac in expected)
            {
                if (FixedTime.Equal(mac, candidate[..length])) return WebhookVerification.Valid;
            }
        }
        return WebhookVerification.NoMatchingSignature;
    }

    private static byte[] ComputeMac(WebhookSecret secret, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret.Key);
        hmac.AppendData(Encoding.UTF8.GetBytes($"{id}.{timestamp}."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
