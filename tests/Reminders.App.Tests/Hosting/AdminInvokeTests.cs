using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Hosting;
using Reminders.Storage;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Hosting;

public sealed class AdminInvokeTests : IAsyncLifetime
{
    private readonly TimerProbe _probe = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Admin:Keys"] = "old-key, admin-key",
            ["AzureFunctionsWebHost:hostid"] = TestStorage.UniqueName("t"),
            ["EverySecondSchedule"] = "0 0 0 1 1 *",
        });
        builder.Services.AddOptions<AdminOptions>().Bind(builder.Configuration.GetSection("Admin"));
        builder.Services.AddSingleton(new QueueServiceClient(TestStorage.ConnectionString));
        builder.Services.AddSingleton(new BlobServiceClient(TestStorage.ConnectionString));
        builder.Services.AddSingleton(_probe);
        builder.Services.AddSingleton(new InstanceName("admin"));
        builder.Services.AddTriggerHost(builder.Configuration, [typeof(EverySecondFunction)]);
        _app = builder.Build();
        _app.MapAdminInvoke();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string name, string? key, HttpContent? body = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/functions/{name}") { Content = body };
        if (key is not null) request.Headers.Add("x-functions-key", key);
        return _client.SendAsync(request);
    }

    [Fact]
    public async Task Posting_runs_the_timer_function_now_and_answers_202()
    {
        var response = await PostAsync("EverySecond", "admin-key", JsonContent.Create(new { input = "" }));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await TestTriggerHost.WaitUntilAsync(() => !_probe.Calls.IsEmpty, "the function runs");
        var call = Assert.Single(_probe.Calls);
        Assert.False(call.Timer.IsPastDue);
    }

    [Fact]
    public async Task The_body_is_optional()
    {
        var response = await PostAsync("everysecond", "old-key");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await TestTriggerHost.WaitUntilAsync(() => !_probe.Calls.IsEmpty, "the function runs");
    }

    [Fact]
    public async Task An_unknown_function_is_404_problem_details()
    {
        var response = await PostAsync("NoSuchSweep", "admin-key");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("NoSuchSweep", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_a_valid_admin_key_nothing_runs()
    {
        var missing = await PostAsync("EverySecond", null);
        var wrong = await PostAsync("EverySecond", "guess");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Empty(_probe.Calls);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_400()
    {
        var response = await PostAsync("EverySecond", "admin-key", new StringContent("input=now"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_probe.Calls);
    }
}
