using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Reminders.TestSupport;

namespace Functions.LocalHost.Tests;

public sealed class AdminInvokeTests : IAsyncLifetime
{
    private readonly TimerProbe _probe = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureFunctionsWebHost:hostid"] = TestStorage.UniqueName("t"),
            ["EverySecondSchedule"] = "0 0 0 1 1 *",
        };
        _app = TestHost.Build(settings, [typeof(EverySecondFunction), typeof(HttpFunctions)], services =>
        {
            services.AddSingleton(_probe);
            services.AddSingleton(new InstanceName("admin"));
            services.AddScoped<PerInvocation>();
        }, keys: ["old-key", "admin-key"]);
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
        await TestHost.WaitUntilAsync(() => !_probe.Calls.IsEmpty, "the function runs");
        var call = Assert.Single(_probe.Calls);
        Assert.False(call.Timer.IsPastDue);
        Assert.Equal(new DateTime(DateTime.UtcNow.Year + 1, 1, 1, 0, 0, 0, DateTimeKind.Utc), call.Timer.ScheduleStatus?.Next);
    }

    [Fact]
    public async Task The_body_is_optional_and_the_name_is_not_case_sensitive()
    {
        var response = await PostAsync("everysecond", "old-key");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await TestHost.WaitUntilAsync(() => !_probe.Calls.IsEmpty, "the function runs");
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
    public async Task An_http_function_cannot_be_run_through_the_admin_api() =>
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync("Hello", "admin-key")).StatusCode);

    [Fact]
    public async Task Without_a_valid_key_nothing_runs()
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
