using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Functions.LocalHost;
using Reminders.App.Storage;

namespace Reminders.Benchmarks;

/// <summary>The app in-process on the given settings, with a request counter on every storage client it makes.</summary>
internal static class ServiceCollectionRemoval
{
    public static void RemoveAll<TService>(this IServiceCollection services, Func<ServiceDescriptor, bool> match)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(TService) && match(d)).ToList()) services.Remove(descriptor);
    }
}

public sealed class InProcessApp(IReadOnlyDictionary<string, string> settings, RequestCounter counter) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // The Testing environment keeps a developer's local.settings.json out; settings come from here and host.json.
        builder.UseEnvironment(FunctionsConfiguration.TestingEnvironment);
        // WebApplicationFactory looks for its manifest in the current directory, which for `dotnet run` is not ours.
        builder.UseContentRoot(Path.Combine(Repository.Root, "functions", "Reminders.App"));
        foreach (var (name, value) in settings) builder.UseSetting(name.Replace("__", ":", StringComparison.Ordinal), value);
        // Only the sweep runs: no queue listeners delivering what it enqueues while it is measured, and quiet logs.
        builder.UseSetting(FunctionsConfiguration.HostSection + ":logging:logLevel:default", "Warning");
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(new StorageRequestPolicy(counter));
            services.RemoveAll<IHostedService>(d => d.ImplementationType?.FullName == "Functions.LocalHost.QueueTriggerService");
        });
    }
}
