using System.ComponentModel.DataAnnotations;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Json;
using Reminders.Channels.Settings;

namespace Reminders.Channels.Fcm;

/// <summary>Settings Channels__Push__Fcm__*: Firebase Cloud Messaging HTTP v1 with a service account key.</summary>
public sealed class FcmOptions : IValidatableObject
{
    public const string Section = "Channels:Push:Fcm";

    [HttpUrl]
    public Uri BaseUrl { get; set; } = new("https://fcm.googleapis.com");

    /// <summary>The service account key file's JSON (client_email, private_key, private_key_id, token_uri, project_id).</summary>
    [Required]
    public string ServiceAccountJson { get; set; } = "";

    /// <summary>Firebase project id; the service account's project_id when not set.</summary>
    public string? ProjectId { get; set; }

    /// <summary>The key file read by Google's own parser.</summary>
    internal JsonCredentialParameters ServiceAccount() =>
        NewtonsoftJsonSerializer.Instance.Deserialize<JsonCredentialParameters>(ServiceAccountJson)
        ?? throw new FormatException("The service account JSON is empty.");

    internal string EffectiveProjectId(JsonCredentialParameters account) =>
        string.IsNullOrWhiteSpace(ProjectId) ? account.ProjectId : ProjectId;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ServiceAccountJson)) yield break;
        string? problem = null;
        string? projectId = null;
        try
        {
            var account = ServiceAccount();
            if (string.IsNullOrWhiteSpace(account.ClientEmail)) problem = "the key has no client_email.";
            else if (string.IsNullOrWhiteSpace(account.PrivateKey)) problem = "the key has no private_key.";
            else new ServiceAccountCredential.Initializer(account.ClientEmail).FromPrivateKey(account.PrivateKey);
            projectId = EffectiveProjectId(account);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or Newtonsoft.Json.JsonException
                                       or System.Security.Cryptography.CryptographicException)
        {
            problem = "not a service account key: " + e.GetType().Name;
        }
        if (problem is not null) yield return new(problem, [nameof(ServiceAccountJson)]);
        else if (string.IsNullOrWhiteSpace(projectId)) yield return new("required when the service account key has no project_id.", [nameof(ProjectId)]);
    }
}
