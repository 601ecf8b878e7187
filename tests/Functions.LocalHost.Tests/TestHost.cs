using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reminders.TestSupport;

namespace Functions.LocalHost.Tests;

/// <summary>An app on the test server with only the local host and the given test functions, on the shared Azurite.</summary>
internal static class TestHost
{
    public static WebApplication Build(
        IDictionary<string, string?> settings, Type[] functions, Action<IServiceCollection>? configure = null,
        TimeSpan? shutdownTimeout = null, IReadOnlyList<string>? keys = null, bool storageClients = true,
        string? contentRoot = null, string environment = FunctionsConfiguration.TestingEnvironment)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ContentRootPath = contentRoot ?? AppContext.BaseDirectory,
        });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new CollectingLoggerProvider();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
        builder.Services.AddSingleton(logs);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(30));
        if (storageClients)
        {
            builder.Services.AddSingleton(new QueueServiceClient(TestStorage.ConnectionString));
            builder.Services.AddSingleton(new BlobServiceClient(TestStorage.ConnectionString));
        }
        configure?.Invoke(builder.Services);
        builder.AddLocalFunctionsHost(FunctionCatalog.Discover(functions), o => o.Keys = keys ?? []);
        var app = builder.Build();
        app.MapLocalFunctions();
        return app;
    }

    /// <summary>Waits (polling) until <paramref name="condition"/> holds; fails the test after <paramref name="timeout"/>.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, timeout);

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

/// <summary>Keeps log lines for a test to read; REMINDERS_TEST_HOST_LOG=1 also prints them.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}";
            owner.Lines.Enqueue(line);
            if (Environment.GetEnvironmentVariable("REMINDERS_TEST_HOST_LOG") == "1") Console.Error.WriteLine(line);
        }
    }
}
