namespace Reminders.Core.Webhooks;

/// <summary>The outcome of checking a webhook's Standard Webhooks headers.</summary>
public enum WebhookVerification
{
    Valid,
    /// <summary><c>webhook-id</c>, <c>webhook-timestamp</c> or <c>webhook-signature</c> is missing or empty.</summary>
    MissingHeaders,
    /// <summary><c>webhook-timestamp</c> is not a whole number of unix seconds.</summary>
    MalformedTimestamp,
    /// <summary>The timestamp is more than the tolerance in the past.</summary>
    TimestampTooOld,
    /// <summary>The timestamp is more than the tolerance in the future.</summary>
    TimestampTooNew,
    /// <summary>No <c>v1</c> signature in the header matches the body with any of the secrets.</summary>
    NoMatchingSignature,
}
