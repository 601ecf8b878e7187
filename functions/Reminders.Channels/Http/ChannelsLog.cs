using Microsoft.Extensions.Logging;

namespace Reminders.Channels.Http;

/// <summary>Every provider's log lines. Contacts arrive here already masked.</summary>
internal static partial class ChannelsLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "Sending {Channel} via {Provider} to {MaskedContact}")]
    public static partial void Sending(ILogger logger, string channel, string provider, string maskedContact);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "{Channel} via {Provider} to {MaskedContact} accepted as {ProviderMessageId}")]
    public static partial void Accepted(ILogger logger, string channel, string provider, string maskedContact, string providerMessageId);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "{Channel} via {Provider} to {MaskedContact} failed for now: {Reason}; retry after {RetryAfter}")]
    public static partial void TransientFailure(ILogger logger, string channel, string provider, string maskedContact, string reason, TimeSpan? retryAfter);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "{Channel} via {Provider} to {MaskedContact} failed for good: {Reason}; contact invalid: {ContactInvalid}")]
    public static partial void PermanentFailure(ILogger logger, string channel, string provider, string maskedContact, string reason, bool contactInvalid);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "FCM refused the access token (401); fetching a new one and trying once more")]
    public static partial void TokenRejected(ILogger logger);

    /// <summary>Logs the outcome and hands it back.</summary>
    public static DeliveryResult Outcome(ILogger logger, string channel, string provider, string maskedContact, DeliveryResult result)
    {
        switch (result)
        {
            case DeliveryResult.Sent sent:
                Accepted(logger, channel, provider, maskedContact, sent.ProviderMessageId);
                break;
            case DeliveryResult.TransientFailure transient:
                TransientFailure(logger, channel, provider, maskedContact, transient.Reason, transient.RetryAfter);
                break;
            case DeliveryResult.PermanentFailure permanent:
                PermanentFailure(logger, channel, provider, maskedContact, permanent.Reason, permanent.ContactInvalid);
                break;
        }
        return result;
    }
}
