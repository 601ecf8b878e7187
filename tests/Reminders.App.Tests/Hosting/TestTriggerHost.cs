using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reminders.App.Hosting;
using Reminders.Storage;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Hosting;

/// <summary>A small generic host with only the trigger host and the given test functions, on the shared Azurite.</summary>
internal static class TestTriggerHost
{
    public static IHost Build(
        IDictionary<string, string?> settings, Type[] functions, Action<IServiceCollection>? configure = null, TimeSpan? shutdownTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new CollectingLoggerProvider()));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton(new QueueServiceClient(TestStorage.ConnectionString));
        builder.Services.AddSingleton(new BlobServiceClient(TestStorage.ConnectionString));
        configure?.Invoke(builder.Services);
        builder.Services.AddTriggerHost(builder.Configuration, functions);
        return builder.Build();
    }

    /// <summary>Waits (polling) until <paramref name="condition"/> holds; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        await WaitUntilAsync(() => Task.FromResult(condition()), what, timeout);
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting until {what}.");
            await Task.Delay(50);
        }
    }
}

/// <summary>Keeps log lines for a failing test's diagnostics (visible in a debugger); errors are never swallowed by it.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}";
            owner.Lines.Enqueue(line);
            if (Environment.GetEnvironmentVariable("REMINDERS_TEST_HOST_LOG") == "1") Console.Error.WriteLine(line);
        }
    }
}
