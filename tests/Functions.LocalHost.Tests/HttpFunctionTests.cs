using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.LocalHost.Tests;

public sealed class HttpFunctionTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = TestHost.Build(new Dictionary<string, string?>(), [typeof(HttpFunctions)], services => services.AddScoped<PerInvocation>(),
            keys: ["function-key", " spaced-key "]);
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Routes_live_under_api_and_route_values_bind_to_parameters_by_name() =>
        Assert.Equal(new Greeting("Hello world", 0), await _client.GetFromJsonAsync<Greeting>("/api/hello/world"));

    [Fact]
    public async Task A_route_value_is_converted_to_the_parameter_s_type() =>
        Assert.Equal(144, await _client.GetFromJsonAsync<int>("/api/square/12"));

    [Fact]
    public async Task A_route_value_that_does_not_convert_is_400_problem_details()
    {
        var response = await _client.GetAsync("/api/square/twelve");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'number'", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_plain_return_value_is_written_as_json_and_an_optional_route_value_may_be_missing()
    {
        var id = Guid.NewGuid();

        Assert.Equal(new Greeting(id.ToString(), -1), await _client.GetFromJsonAsync<Greeting>($"/api/orders/{id}"));
        Assert.Equal(new Greeting(id.ToString(), 3), await _client.GetFromJsonAsync<Greeting>($"/api/orders/{id}/3"));
    }

    [Fact]
    public async Task An_IActionResult_is_executed()
    {
        var response = await _client.PostAsync("/api/action", new StringContent("body text"));

        Assert.Equal(new Greeting("body text", 1), await response.Content.ReadFromJsonAsync<Greeting>());
    }

    [Fact]
    public async Task Methods_not_named_by_the_trigger_are_not_served() =>
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _client.PostAsync("/api/hello/world", null)).StatusCode);

    [Fact]
    public async Task A_function_without_route_is_served_under_its_name_for_every_method()
    {
        Assert.Equal(HttpStatusCode.NoContent, (await _client.GetAsync("/api/NoRoute")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("/api/noroute")).StatusCode);
    }

    [Fact]
    public async Task Each_invocation_has_its_own_DI_scope()
    {
        var first = await _client.GetFromJsonAsync<Guid[]>("/api/scopes");
        var second = await _client.GetFromJsonAsync<Guid[]>("/api/scopes");

        Assert.Equal(first![0], first[1]);
        Assert.NotEqual(first[0], second![0]);
    }

    [Fact]
    public async Task The_cancellation_token_is_the_request_s() =>
        Assert.True(await _client.GetFromJsonAsync<bool>("/api/cancelled"));

    [Fact]
    public async Task An_invocation_is_logged_as_the_host_logs_it()
    {
        await _client.GetAsync("/api/hello/log");

        var lines = _app.Services.GetRequiredService<CollectingLoggerProvider>().Lines.Where(l => l.StartsWith("Information Function.Hello:", StringComparison.Ordinal)).ToList();
        Assert.Matches(@"Executing 'Functions\.Hello' \(Reason='This function was programmatically called via the host APIs\.', Id=[0-9a-f-]{36}\)", lines[0]);
        Assert.Matches(@"Executed 'Functions\.Hello' \(Succeeded, Id=[0-9a-f-]{36}, Duration=\d+ms\)", lines[1]);
    }

    [Fact]
    public async Task A_function_that_throws_fails_the_request_and_is_logged_as_failed()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _client.GetAsync("/api/throws"));

        var logs = _app.Services.GetRequiredService<CollectingLoggerProvider>().Lines;
        Assert.Contains(logs, l => l.StartsWith("Error Function.Throws: Executed 'Functions.Throws' (Failed, Id=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/api/secret")]
    [InlineData("/api/admin-only")]
    public async Task Function_and_admin_levels_refuse_a_request_without_a_key_with_401_problem_details(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_wrong_key_is_refused()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/secret");
        request.Headers.Add("x-functions-key", "function-kez");

        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task The_key_is_taken_from_the_header()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/secret");
        request.Headers.Add("x-functions-key", "function-key");

        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task The_key_is_taken_from_the_code_query_parameter_when_the_header_is_missing() =>
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/api/admin-only?code=spaced-key")).StatusCode);
}
