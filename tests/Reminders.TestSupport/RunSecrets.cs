using System.Security.Cryptography;

namespace Reminders.TestSupport;

/// <summary>Webhook secrets, an unsubscribe secret and an admin key made up for one run.</summary>
public sealed class RunSecrets
{
    public byte[] OrdersKey { get; } = RandomNumberGenerator.GetBytes(24);
    public byte[] PaymentsKey { get; } = RandomNumberGenerator.GetBytes(24);
    public string AdminKey { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    public string UnsubscribeSecret { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string OrdersSetting => "whsec_" + Convert.ToBase64String(OrdersKey);
    public string PaymentsSetting => "whsec_" + Convert.ToBase64String(PaymentsKey);

    /// <summary>The app settings every scenario passes, in the flat Functions form.</summary>
    public Dictionary<string, string> AppSettings(string storageConnectionString) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["AzureWebJobsStorage"] = storageConnectionString,
        ["Webhooks__Orders__Secret"] = OrdersSetting,
        ["Webhooks__Payments__Secret"] = PaymentsSetting,
        ["Admin__Keys"] = AdminKey,
        ["Unsubscribe__Secret"] = UnsubscribeSecret,
    };
}
