using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Channels.Settings;

namespace Reminders.App.Merchants;

public static class MerchantsRegistration
{
    /// <summary>Merchants kept at run time (table Merchants), the catalog each instance caches, and their policies; settings MerchantStore__*.</summary>
    public static IServiceCollection AddMerchants(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<MerchantStoreOptions>(configuration, MerchantStoreOptions.Section);
        services.AddSingleton<MerchantTable>();
        services.AddSingleton<MerchantCatalog>();
        services.AddHostedService<MerchantCatalogWarmUp>();
        services.AddSingleton<MerchantPolicies>();
        services.AddSingleton<MerchantRequests>();
        return services;
    }
}
