using System.ComponentModel.DataAnnotations;

namespace Reminders.App.Merchants;

/// <summary>Settings MerchantStore__*: how merchants kept in the Merchants table are read and what they may hold.</summary>
public sealed class MerchantStoreOptions
{
    public const string Section = "MerchantStore";

    /// <summary>
    /// MerchantStore__CacheLifetime: how long an instance uses what it read of the Merchants table before it reads it
    /// again, so a change made on one instance reaches every instance within this time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30", ErrorMessage = "must be between 00:00:00 and 00:00:30: changes must reach every instance within 30 seconds.")]
    public TimeSpan CacheLifetime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// MerchantStore__AllowPrivateWebhookUrls: let alert webhook URLs be http, or point at loopback, link-local or
    /// private addresses. For local runs only: in production a merchant could make the app call its own network.
    /// </summary>
    public bool AllowPrivateWebhookUrls { get; set; }
}
