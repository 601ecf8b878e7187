using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.LocalHost.Tests;

public sealed class ConfigurationTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("localhost-config");

    public void Dispose() => _root.Delete(recursive: true);

    private void Write(string name, string json) => File.WriteAllText(Path.Combine(_root.FullName, name), json);

    private WebApplication Build(Dictionary<string, string?>? settings = null, string environment = "Development") =>
        TestHost.Build(settings ?? [], [typeof(HttpFunctions)], services => services.AddScoped<PerInvocation>(),
            contentRoot: _root.FullName, environment: environment);

    [Fact]
    public void Host_json_is_read_under_AzureFunctionsJobHost()
    {
        Write("host.json", """{ "version": "2.0", "extensions": { "queues": { "batchSize": 4 } } }""");

        var configuration = Build().Services.GetRequiredService<IConfiguration>();

        Assert.Equal("4", configuration["AzureFunctionsJobHost:extensions:queues:batchSize"]);
    }

    [Fact]
    public void App_settings_override_host_json()
    {
        Write("host.json", """{ "extensions": { "queues": { "batchSize": 4 } } }""");

        var configuration = Build(new() { ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "8" }).Services.GetRequiredService<IConfiguration>();

        Assert.Equal("8", configuration["AzureFunctionsJobHost:extensions:queues:batchSize"]);
    }

    [Fact]
    public void Local_settings_values_are_read_with_double_underscores_as_sections()
    {
        Write("local.settings.json", """{ "IsEncrypted": false, "Values": { "Sweeps__PaymentDue__Schedule": "0 */5 * * * *", "Retries": 3 } }""");

        var configuration = Build().Services.GetRequiredService<IConfiguration>();

        Assert.Equal(("0 */5 * * * *", "3"), (configuration["Sweeps:PaymentDue:Schedule"], configuration["Retries"]));
    }

    [Fact]
    public void Local_settings_are_not_read_in_the_testing_environment()
    {
        Write("local.settings.json", """{ "Values": { "Secret": "developer's" } }""");

        var configuration = Build(environment: FunctionsConfiguration.TestingEnvironment).Services.GetRequiredService<IConfiguration>();

        Assert.Null(configuration["Secret"]);
    }

    [Fact]
    public async Task The_route_prefix_comes_from_host_json()
    {
        Write("host.json", """{ "extensions": { "http": { "routePrefix": "v1" } } }""");
        await using var app = Build();
        await app.StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await app.GetTestClient().GetAsync("/v1/hello/world")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.GetTestClient().GetAsync("/api/hello/world")).StatusCode);
    }

    [Fact]
    public async Task An_empty_route_prefix_serves_routes_at_the_root()
    {
        Write("host.json", """{ "extensions": { "http": { "routePrefix": "" } } }""");
        await using var app = Build();
        await app.StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await app.GetTestClient().GetAsync("/hello/world")).StatusCode);
    }

    [Fact]
    public async Task Without_storage_clients_in_DI_the_host_does_not_start()
    {
        await using var app = TestHost.Build(new Dictionary<string, string?>(), [typeof(HttpFunctions)], storageClients: false);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("needs a", error.Message);
        Assert.Contains("ServiceClient in DI", error.Message);
    }
}
