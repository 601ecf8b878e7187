namespace Reminders.Channels.Fcm;

/// <summary>Firebase Cloud Messaging HTTP v1 with a service account key.</summary>
public sealed record FcmOptions
{
    public Uri BaseUrl { get; init; } = new("https://fcm.googleapis.com");

    /// <summary>The service account key file's JSON (client_email, private_key, token_uri, project_id).</summary>
    public string ServiceAccountJson { get; init; } = "";

    /// <summary>Firebase project id; the service account's project_id when not set.</summary>
    public string? ProjectId { get; init; }

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ServiceAccountJson))
        {
            yield return "FCM ServiceAccountJson is required.";
            yield break;
        }
        GoogleServiceAccount? account = null;
        string? problem = null;
        try
        {
            account = GoogleServiceAccount.Parse(ServiceAccountJson);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or UriFormatException)
        {
            problem = "FCM ServiceAccountJson is not a service account key: " + e.Message;
        }
        if (problem is not null) yield return problem;
        else if (string.IsNullOrWhiteSpace(ProjectId) && string.IsNullOrWhiteSpace(account?.ProjectId))
            yield return "FCM ProjectId is required when the service account has no project_id.";
        if (!BaseUrl.IsAbsoluteUri) yield return "FCM BaseUrl must be absolute.";
    }
}
