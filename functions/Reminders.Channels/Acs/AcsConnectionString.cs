namespace Reminders.Channels.Acs;

/// <summary>An Azure Communication Services connection string: "endpoint=https://...;accesskey=...".</summary>
public sealed record AcsConnectionString(Uri Endpoint, string AccessKey)
{
    public static AcsConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        string? endpoint = null, accessKey = null;
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var name = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim(); // the key is base64 and may itself end in '='
            if (name.Equals("endpoint", StringComparison.OrdinalIgnoreCase)) endpoint = value;
            else if (name.Equals("accesskey", StringComparison.OrdinalIgnoreCase)) accessKey = value;
        }
        if (endpoint is null || !Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri))
            throw new FormatException("The ACS connection string has no valid endpoint.");
        if (string.IsNullOrEmpty(accessKey)) throw new FormatException("The ACS connection string has no accesskey.");
        var scratch = new byte[accessKey.Length];
        if (!Convert.TryFromBase64String(accessKey, scratch, out _)) throw new FormatException("The ACS accesskey is not base64.");
        return new AcsConnectionString(endpointUri, accessKey);
    }

    /// <summary>The endpoint with <paramref name="pathAndQuery"/> appended (kept literal: "emails:send" is not a scheme).</summary>
    public Uri Resolve(string pathAndQuery) => new(Endpoint.AbsoluteUri.TrimEnd('/') + "/" + pathAndQuery.TrimStart('/'));

    public override string ToString() => $"endpoint={Endpoint};accesskey=***";
}
