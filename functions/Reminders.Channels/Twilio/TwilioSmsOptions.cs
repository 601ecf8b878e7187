using System.ComponentModel.DataAnnotations;
using Reminders.Channels.Settings;

namespace Reminders.Channels.Twilio;

/// <summary>
/// Settings Channels__Sms__Twilio__*: Twilio Programmable Messaging. Authenticates with AccountSid:AuthToken, or with
/// an API key (ApiKeySid:ApiKeySecret) when one is given. Sends from From, or through MessagingServiceSid.
/// </summary>
public sealed class TwilioSmsOptions : IValidatableObject
{
    public const string Section = "Channels:Sms:Twilio";

    [HttpUrl]
    public Uri BaseUrl { get; set; } = new("https://api.twilio.com");

    [Required]
    public string AccountSid { get; set; } = "";

    public string? AuthToken { get; set; }

    public string? ApiKeySid { get; set; }

    public string? ApiKeySecret { get; set; }

    /// <summary>Sender number in E.164 or an alphanumeric sender id.</summary>
    public string? From { get; set; }

    public string? MessagingServiceSid { get; set; }

    internal bool UsesApiKey => !string.IsNullOrWhiteSpace(ApiKeySid) && !string.IsNullOrWhiteSpace(ApiKeySecret);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!UsesApiKey && string.IsNullOrWhiteSpace(AuthToken))
            yield return new("required when Channels__Sms__Provider is twilio (or give ApiKeySid and ApiKeySecret).", [nameof(AuthToken)]);
        if (string.IsNullOrWhiteSpace(From) && string.IsNullOrWhiteSpace(MessagingServiceSid))
            yield return new("one is required when Channels__Sms__Provider is twilio.", [nameof(From), nameof(MessagingServiceSid)]);
    }
}
