using System.Text.Json;

namespace Reminders.Channels.Fcm;

/// <summary>The fields of a Google service account key file (JSON) that the token exchange needs.</summary>
public sealed record GoogleServiceAccount(string ClientEmail, string PrivateKeyPem, string? PrivateKeyId, Uri TokenUri, string? ProjectId)
{
    public static readonly Uri DefaultTokenUri = new("https://oauth2.googleapis.com/token");

    /// <summary>Reads client_email, private_key, private_key_id, token_uri and project_id.</summary>
    public static GoogleServiceAccount Parse(string json)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(json);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        string? Read(string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        var clientEmail = Read("client_email");
        var privateKey = Read("private_key");
        if (string.IsNullOrWhiteSpace(clientEmail)) throw new FormatException("The service account JSON has no client_email.");
        if (string.IsNullOrWhiteSpace(privateKey)) throw new FormatException("The service account JSON has no private_key.");
        var tokenUri = Read("token_uri") is { Length: > 0 } t ? new Uri(t, UriKind.Absolute) : DefaultTokenUri;
        return new GoogleServiceAccount(clientEmail, privateKey, Read("private_key_id"), tokenUri, Read("project_id"));
    }

    // Keeps the private key out of logs and debugger views.
    public override string ToString() => $"GoogleServiceAccount {{ ClientEmail = {ClientEmail}, TokenUri = {TokenUri}, ProjectId = {ProjectId} }}";
}
