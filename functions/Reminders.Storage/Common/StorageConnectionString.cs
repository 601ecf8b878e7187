namespace Reminders.Storage;

/// <summary>
/// An Azure Storage connection string: <c>UseDevelopmentStorage=true</c> (Azurite on its default
/// ports) or <c>AccountName=...;AccountKey=...</c> with an <c>EndpointSuffix</c> or explicit
/// <c>TableEndpoint</c>/<c>QueueEndpoint</c>/<c>BlobEndpoint</c>.
/// </summary>
public sealed record StorageConnectionString(
    string AccountName,
    StorageSharedKeyCredential? Credential,
    Uri TableEndpoint,
    Uri QueueEndpoint,
    Uri BlobEndpoint)
{
    public const string DevelopmentAccountName = "devstoreaccount1";
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static StorageConnectionString Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new FormatException("The storage connection string is empty.");
        }

        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = segment.IndexOf('=');
            if (eq <= 0)
            {
                throw new FormatException($"The storage connection string has a segment without a name=value form (segment {parts.Count + 1}).");
            }
            parts[segment[..eq].Trim()] = segment[(eq + 1)..].Trim();
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && dev.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            var proxy = parts.TryGetValue("DevelopmentStorageProxyUri", out var p) ? new Uri(p) : new Uri("http://127.0.0.1");
            Uri At(int port) => new($"{proxy.Scheme}://{proxy.Host}:{port}/{DevelopmentAccountName}");
            return new StorageConnectionString(
                DevelopmentAccountName,
                new StorageSharedKeyCredential(DevelopmentAccountName, DevelopmentAccountKey),
                At(10002), At(10001), At(10000));
        }

        if (!parts.TryGetValue("AccountName", out var account) || account.Length == 0)
        {
            throw new FormatException("The storage connection string has no AccountName.");
        }

        StorageSharedKeyCredential? credential = null;
        if (parts.TryGetValue("AccountKey", out var key))
        {
            credential = new StorageSharedKeyCredential(account, key);
        }

        var protocol = parts.TryGetValue("DefaultEndpointsProtocol", out var proto) ? proto : "https";
        var suffix = parts.TryGetValue("EndpointSuffix", out var s) ? s : "core.windows.net";
        Uri Endpoint(string name, string service) =>
            parts.TryGetValue(name, out var explicitEndpoint)
                ? ParseEndpoint(name, explicitEndpoint)
                : new Uri($"{protocol}://{account}.{service}.{suffix}");

        return new StorageConnectionString(
            account,
            credential,
            Endpoint("TableEndpoint", "table"),
            Endpoint("QueueEndpoint", "queue"),
            Endpoint("BlobEndpoint", "blob"));
    }

    private static Uri ParseEndpoint(string name, string value) =>
        Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new FormatException($"The storage connection string's {name} is not an absolute http(s) URL.");
}
