using System.ComponentModel.DataAnnotations;
using MimeKit;

namespace Reminders.Channels;

public enum SmsProvider { Outbox, Twilio, Acs }

public enum EmailProvider { Outbox, Smtp, Acs }

public enum PushProvider { Outbox, Fcm }

/// <summary>Settings Channels__*: which provider sends each channel (the local outbox unless set), and provider HTTP limits.</summary>
public sealed class ChannelsOptions : IValidatableObject
{
    public const string Section = "Channels";

    public SmsChannelOptions Sms { get; set; } = new();

    public EmailChannelOptions Email { get; set; } = new();

    public PushChannelOptions Push { get; set; } = new();

    /// <summary>Channels__HttpTimeout: the longest one provider HTTP call may take, its quick retry included.</summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Channels__HttpAttemptTimeout: the longest one attempt may take (never longer than HttpTimeout).</summary>
    public TimeSpan HttpAttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Sms.Provider)) yield return new("must be twilio, acs or outbox.", ["Sms:Provider"]);
        if (!Enum.IsDefined(Email.Provider)) yield return new("must be smtp, acs or outbox.", ["Email:Provider"]);
        if (!Enum.IsDefined(Push.Provider)) yield return new("must be fcm or outbox.", ["Push:Provider"]);
        if (Email.Provider == EmailProvider.Smtp && string.IsNullOrWhiteSpace(Email.From))
            yield return new("required when Channels__Email__Provider is smtp.", ["Email:From"]);
        if (!string.IsNullOrWhiteSpace(Email.From) && Email.Sender is null)
            yield return new("must be an address or \"Name <address>\".", ["Email:From"]);
        if (HttpTimeout <= TimeSpan.Zero) yield return new("must be positive.", [nameof(HttpTimeout)]);
        if (HttpAttemptTimeout <= TimeSpan.Zero) yield return new("must be positive.", [nameof(HttpAttemptTimeout)]);
    }
}

public sealed class SmsChannelOptions
{
    public SmsProvider Provider { get; set; }
}

public sealed class EmailChannelOptions
{
    public EmailProvider Provider { get; set; }

    /// <summary>Channels__Email__From: the sender, "Name &lt;address&gt;" or an address.</summary>
    public string? From { get; set; }

    /// <summary>From as a mailbox; null when it is not set or not an address.</summary>
    public MailboxAddress? Sender =>
        MailboxAddress.TryParse(From ?? "", out var mailbox) && mailbox.Domain.Length > 0 ? mailbox : null;
}

public sealed class PushChannelOptions
{
    public PushProvider Provider { get; set; }
}
