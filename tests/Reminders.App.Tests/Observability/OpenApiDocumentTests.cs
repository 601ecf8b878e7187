using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Functions.LocalHost;
using Reminders.App.Dashboard;
using Reminders.App.Tests.Support;

namespace Reminders.App.Tests.Observability;

/// <summary>GET /openapi/v1.json describes every HTTP function as its class declares it.</summary>
public sealed class OpenApiDocumentTests : IClassFixture<OpenApiDocumentTests.App>
{
    /// <summary>One app for the class (xunit class fixtures need a parameterless constructor).</summary>
    public sealed class App : ReminderAppFactory;

    private readonly ReminderAppFactory _app;
    private readonly Lazy<Task<JsonElement>> _document;

    public OpenApiDocumentTests(App app)
    {
        _app = app;
        _document = new(async () =>
        {
            var response = await _app.CreateClient().GetAsync("/openapi/v1.json");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            return JsonDocument.Parse(text).RootElement.Clone();
        });
    }

    public static TheoryData<string> HttpFunctions()
    {
        var data = new TheoryData<string>();
        foreach (var function in HttpFunctionsOfTheApp()) data.Add(function.Name);
        return data;
    }

    private static IEnumerable<FunctionDescriptor> HttpFunctionsOfTheApp() =>
        FunctionCatalog.Discover(typeof(ReminderApp).Assembly).Functions.Where(f => f.TriggerType == TriggerType.HttpTrigger);

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public async Task Every_http_function_is_described_with_its_methods_summary_tags_and_responses(string name)
    {
        var function = HttpFunctionsOfTheApp().Single(f => f.Name == name);
        var method = function.Method;
        var document = await _document.Value;
        var path = "/" + function.Route;

        Assert.True(document.GetProperty("paths").TryGetProperty(path, out var item), $"{path} is missing from the document");
        foreach (var verb in function.HttpMethods!)
        {
            Assert.True(item.TryGetProperty(verb.ToLowerInvariant(), out var operation), $"{verb} {path} is missing");
            var summary = method.GetCustomAttribute<EndpointSummaryAttribute>()?.Summary ?? function.Name;
            Assert.Equal(summary, operation.GetProperty("summary").GetString());

            var tags = operation.TryGetProperty("tags", out var t) ? t.EnumerateArray().Select(x => x.GetString()).ToList() : [];
            foreach (var tag in method.GetCustomAttributes<TagsAttribute>().SelectMany(a => a.Tags)) Assert.Contains(tag, tags);

            var responses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            foreach (var produces in method.GetCustomAttributes<ProducesResponseTypeAttribute>())
            {
                Assert.Contains(produces.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), responses);
            }

            var schemes = operation.TryGetProperty("security", out var security)
                ? security.EnumerateArray().SelectMany(s => s.EnumerateObject().Select(p => p.Name)).ToList()
                : [];
            if (function.AuthLevel != Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous)
            {
                Assert.Contains("functionKey", schemes);
                Assert.Contains("401", responses);
            }
            else
            {
                Assert.Empty(schemes);
            }

            var headers = operation.TryGetProperty("parameters", out var parameters)
                ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "header").Select(p => p.GetProperty("name").GetString()).ToList()
                : [];
            if (function.Route!.StartsWith("api/webhooks/", StringComparison.Ordinal))
            {
                Assert.Equal(new[] { "webhook-id", "webhook-signature", "webhook-timestamp" }, headers.Order().ToArray());
            }
            else
            {
                Assert.DoesNotContain("webhook-signature", headers);
            }
        }
    }

    [Fact]
    public async Task The_document_declares_the_admin_key_scheme_and_lists_the_dashboard_and_admin_invoke()
    {
        var document = await _document.Value;
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("functionKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal(ApiDocument.FunctionKeyHeader, scheme.GetProperty("name").GetString());

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/dashboard", out _));
        Assert.True(paths.TryGetProperty("/api/orders/{orderId}", out var order));
        var orderParameter = order.GetProperty("get").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("in").GetString() == "path");
        Assert.Equal("orderId", orderParameter.GetProperty("name").GetString());
        Assert.True(paths.TryGetProperty("/admin/functions/{name}", out var invoke));
        Assert.Contains("functionKey", invoke.GetProperty("post").GetProperty("security").EnumerateArray().SelectMany(s => s.EnumerateObject().Select(p => p.Name)));
        Assert.False(paths.TryGetProperty("/openapi/{documentName}.json", out _));
    }

    [Fact]
    public async Task The_functions_host_serves_the_same_document_built_from_the_functions_alone()
    {
        // What function OpenApiDocument answers under the Functions host: no endpoint of the local host takes part.
        var built = JsonDocument.Parse(await new ApiDocument().JsonAsync(CancellationToken.None)).RootElement;
        var served = await _document.Value;
        Assert.Equal(served.GetRawText(), built.GetRawText());

        var paths = built.GetProperty("paths");
        foreach (var function in HttpFunctionsOfTheApp()) Assert.True(paths.TryGetProperty("/" + function.Route, out _), $"{function.Name} is missing");
        Assert.True(paths.TryGetProperty(ApiDocument.AdminInvokeRoute, out _));
    }

    [Fact]
    public async Task Answers_are_described_from_the_declared_result_types()
    {
        var document = await _document.Value;
        var paths = document.GetProperty("paths");

        var order = paths.GetProperty("/api/orders/{orderId}").GetProperty("get").GetProperty("responses");
        var orderSchema = order.GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();
        Assert.Equal("#/components/schemas/OrderView", orderSchema);
        var properties = document.GetProperty("components").GetProperty("schemas").GetProperty("OrderView").GetProperty("properties");
        Assert.Equal(
            ["orderId", "merchantId", "state", "buyer", "amount", "payLater", "facts", "reminders", "timeline"],
            properties.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.True(order.GetProperty("404").GetProperty("content").TryGetProperty("application/problem+json", out _));

        var webhook = paths.GetProperty("/api/webhooks/orders").GetProperty("post").GetProperty("responses");
        Assert.Equal("#/components/schemas/WebhookAnswer",
            webhook.GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.True(webhook.GetProperty("503").GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    [Fact]
    public async Task The_document_needs_no_key_and_the_page_does()
    {
        Assert.Equal(HttpStatusCode.OK, (await _app.CreateClient().GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().GetAsync("/dashboard")).StatusCode);
        Assert.Equal(StatusCodes.Status200OK, (int)(await _app.CreateAdminClient().GetAsync("/dashboard")).StatusCode);
    }
}
