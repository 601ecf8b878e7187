using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests.Support;

/// <summary>
/// The senders registered as the app registers them (AddChannels: options, named HttpClients with their resilience
/// pipelines), on the settings a test gives, with the test's clock and a log that keeps every line.
/// </summary>
public sealed class ChannelsHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public ChannelsHost(IReadOnlyDictionary<string, string?> settings, TimeProvider time, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace))
            .AddSingleton(time);
        services.AddChannels(Configuration(settings));
        configure?.Invoke(services);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _services.GetRequiredService<IStartupValidator>().Validate();
    }

    public CollectingLoggerProvider Logs { get; } = new();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>What start-up says about these settings: the error message, or null when they are fine.</summary>
    public static string? Problems(IReadOnlyDictionary<string, string?> settings)
    {
        try
        {
            var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);
            services.AddChannels(Configuration(settings));
            using var provider = services.BuildServiceProvider();
            provider.GetRequiredService<IStartupValidator>().Validate();
            return null;
        }
        catch (Exception e) when (e is OptionsValidationException or AggregateException)
        {
            return e.Message;
        }
    }

    /// <summary>An address where nothing listens: a stub started and stopped again.</summary>
    public static async Task<Uri> DeadAddressAsync()
    {
        var stub = await StubServer.StartAsync((_, _) => Task.CompletedTask);
        var url = stub.BaseUrl;
        await stub.DisposeAsync();
        return url;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    /// <summary>Settings as they are written (Channels__Sms__Provider), read the way the host reads environment variables; a null value is no setting.</summary>
    private static IConfiguration Configuration(IReadOnlyDictionary<string, string?> settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Where(s => s.Value is not null)
                .Select(s => new KeyValuePair<string, string?>(s.Key.Replace("__", ":", StringComparison.Ordinal), s.Value)))
            .Build();
}
