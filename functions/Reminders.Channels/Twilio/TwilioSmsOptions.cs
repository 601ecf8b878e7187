namespace Reminders.Channels.Twilio;

/// <summary>
/// Twilio Programmable Messaging. Authenticates with AccountSid:AuthToken, or with an API key
/// (ApiKeySid:ApiKeySecret) when one is given. Sends from From, or through MessagingServiceSid.
/// </summary>
public sealed record TwilioSmsOptions
{
    public Uri BaseUrl { get; init; } = new("https://api.twilio.com");

    public string AccountSid { get; init; } = "";

    public string? AuthToken { get; init; }

    public string? ApiKeySid { get; init; }

    public string? ApiKeySecret { get; init; }

    /// <summary>Sender number in E.164 or an alphanumeric sender id.</summary>
    public string? From { get; init; }

    public string? MessagingServiceSid { get; init; }

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(AccountSid)) yield return "Twilio AccountSid is required.";
        var hasApiKey = !string.IsNullOrWhiteSpace(ApiKeySid) && !string.IsNullOrWhiteSpace(ApiKeySecret);
        if (!hasApiKey && string.IsNullOrWhiteSpace(AuthToken)) yield return "Twilio AuthToken, or ApiKeySid with ApiKeySecret, is required.";
        if (string.IsNullOrWhiteSpace(From) && string.IsNullOrWhiteSpace(MessagingServiceSid)) yield return "Twilio From or MessagingServiceSid is required.";
        if (!BaseUrl.IsAbsoluteUri) yield return "Twilio BaseUrl must be absolute.";
    }
}
