namespace Reminders.Core.Webhooks;

/// <summary>
/// One Standard Webhooks signing key (the bytes behind <c>whsec_&lt;base64&gt;</c>).
/// Its text form never shows the key, so it cannot leak into a log by accident.
/// </summary>
public sealed class WebhookSecret
{
    public const string Prefix = "whsec_";

    /// <summary>Shorter keys are refused as too weak to sign with (the specification recommends 24 to 64 bytes).</summary>
    public const int MinimumKeyBytes = 16;

    private readonly byte[] _key;

    private WebhookSecret(byte[] key) => _key = key;

    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>Parses one <c>whsec_&lt;base64&gt;</c> value; on failure, why (without the value).</summary>
    public static bool TryParse(string? text, out WebhookSecret? secret, out string? problem)
    {
        secret = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "is empty";
            return false;
        }
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            problem = $"does not start with '{Prefix}'";
            return false;
        }
        var encoded = text.AsSpan(Prefix.Length);
        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var length) || length == 0)
        {
            problem = $"is not '{Prefix}' followed by base64";
            return false;
        }
        if (length < MinimumKeyBytes)
        {
            problem = $"holds {length} key bytes; at least {MinimumKeyBytes} are needed";
            return false;
        }
        secret = new WebhookSecret(buffer[..length]);
        problem = null;
        return true;
    }

    public override string ToString() => Prefix + "***";
}
