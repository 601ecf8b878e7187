namespace Reminders.Channels;

/// <summary>What a provider said about one message.</summary>
public abstract record DeliveryResult
{
    private DeliveryResult() { }

    /// <summary>Accepted by the provider, with the provider's own message id.</summary>
    public sealed record Sent(string ProviderMessageId) : DeliveryResult;

    /// <summary>Worth trying again later (timeout, 429, 5xx, connection failure); RetryAfter when the provider said so.</summary>
    public sealed record TransientFailure(string Reason, TimeSpan? RetryAfter = null) : DeliveryResult;

    /// <summary>Will not succeed when tried again. ContactInvalid: the address, number or token itself is bad (hard bounce, unregistered token).</summary>
    public sealed record PermanentFailure(string Reason, bool ContactInvalid) : DeliveryResult;
}
