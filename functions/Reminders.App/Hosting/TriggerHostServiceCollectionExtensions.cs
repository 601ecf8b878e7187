using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Reminders.App.Hosting;

public static class TriggerHostServiceCollectionExtensions
{
    /// <summary>
    /// Registers the timer and queue trigger host for the functions of <paramref name="assembly"/>: each function
    /// class (scoped, resolved per invocation), the settings read from <paramref name="configuration"/> (validated
    /// when the host starts), and the two hosted services. Needs <see cref="Reminders.Storage.QueueServiceClient"/>
    /// and <see cref="Reminders.Storage.BlobServiceClient"/> in DI; <see cref="TimeProvider"/> defaults to the system clock.
    /// </summary>
    public static IServiceCollection AddTriggerHost(this IServiceCollection services, IConfiguration configuration, Assembly assembly) =>
        services.AddTriggerHost(configuration, FunctionCatalog.TriggeredFunctionTypes(assembly));

    /// <summary>As <see cref="AddTriggerHost(IServiceCollection, IConfiguration, Assembly)"/>, for the given function classes.</summary>
    public static IServiceCollection AddTriggerHost(this IServiceCollection services, IConfiguration configuration, IEnumerable<Type> functionTypes)
    {
        var types = functionTypes.ToList();
        foreach (var type in types) services.TryAddScoped(type);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new FunctionCatalog(types, configuration));
        services.TryAddSingleton(_ => QueueTriggerOptions.Load(configuration));
        services.TryAddSingleton(_ => TimerTriggerOptions.Load(configuration));
        services.TryAddSingleton<TimerTriggerService>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerTriggerService>());
        services.AddHostedService<QueueTriggerService>();
        return services;
    }
}
