namespace Reminders.Channels;

/// <summary>One SMS to one number (E.164).</summary>
public sealed record SmsMessage(string To, string Text);

/// <summary>One email to one address. Headers are extra header fields (List-Unsubscribe and the like).</summary>
public sealed record EmailMessage(
    string To,
    string Subject,
    string Text,
    string? Html = null,
    IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>One push notification to one device registration token.</summary>
public sealed record PushMessage(
    string Token,
    string Title,
    string Body,
    IReadOnlyDictionary<string, string>? Data = null);

/// <summary>One signed webhook POST to a merchant's endpoint; Headers carry the signature.</summary>
public sealed record WebhookMessage(Uri Url, string Body, IReadOnlyDictionary<string, string> Headers);
