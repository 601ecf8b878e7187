using Microsoft.Extensions.Configuration;
using Reminders.Core.Orders;
using Reminders.Core.Webhooks;

namespace Reminders.App.Webhooks;

/// <summary>The secrets of Webhooks__Orders__Secret and Webhooks__Payments__Secret, parsed and checked at start-up.</summary>
public sealed class WebhookSecrets
{
    private readonly IReadOnlyList<WebhookSecret> _orders;
    private readonly IReadOnlyList<WebhookSecret> _payments;

    public WebhookSecrets(IConfiguration configuration)
    {
        _orders = StandardWebhook.ParseSecrets(configuration["Webhooks:Orders:Secret"], "Webhooks__Orders__Secret");
        _payments = StandardWebhook.ParseSecrets(configuration["Webhooks:Payments:Secret"], "Webhooks__Payments__Secret");
    }

    public IReadOnlyList<WebhookSecret> For(WebhookSource source) => source == WebhookSource.Orders ? _orders : _payments;
}
