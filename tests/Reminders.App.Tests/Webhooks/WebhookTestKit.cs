using System.Reflection;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Reminders.App.Tests.Support;
using Reminders.Core.Webhooks;

namespace Reminders.App.Tests.Webhooks;

/// <summary>Small helpers shared by the webhook end-to-end tests.</summary>
internal static class WebhookTestKit
{
    /// <summary>Asserts an RFC 9457 answer with <paramref name="status"/> and returns its JSON.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    /// <summary>Asserts a 400 whose <c>field</c> is <paramref name="field"/> and whose <c>errors</c> name it.</summary>
    public static async Task<JsonElement> AssertBadFieldAsync(HttpResponseMessage response, string field)
    {
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.True(errors.Contains(field), $"errors name {string.Join(", ", errors)}, not {field}: {problem}");
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        if (errors.Count == 1) Assert.Equal(field, problem.GetProperty("field").GetString());
        return problem;
    }

    /// <summary>A request with only the headers given (none of the Standard Webhooks ones unless added).</summary>
    public static HttpRequestMessage Raw(string endpoint, HttpContent content) =>
        new(HttpMethod.Post, $"/api/webhooks/{endpoint}") { Content = content };

    /// <summary>A signed request whose body bytes and content type are exactly as given.</summary>
    public static HttpRequestMessage SignedBytes(string endpoint, byte[] body, WebhookSecret secret, string? contentType = "application/json", string? webhookId = null)
    {
        var id = webhookId ?? "msg_" + Guid.NewGuid().ToString("N");
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var content = new ByteArrayContent(body);
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var request = Raw(endpoint, content);
        request.Headers.TryAddWithoutValidation(StandardWebhook.IdHeader, id);
        request.Headers.TryAddWithoutValidation(StandardWebhook.TimestampHeader, ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(StandardWebhook.SignatureHeader, StandardWebhook.Sign(secret, id, ts, body));
        return request;
    }

    public static HttpRequestMessage SignedOrder(string body, string? webhookId = null) =>
        SignedBytes("orders", Encoding.UTF8.GetBytes(body), ReminderAppFactory.OrdersSecret, webhookId: webhookId);

    public static HttpRequestMessage SignedPayment(string body, string? webhookId = null) =>
        SignedBytes("payments", Encoding.UTF8.GetBytes(body), ReminderAppFactory.PaymentsSecret, webhookId: webhookId);

    public static async Task<HttpResponseMessage> SendOkAsync(HttpClient client, HttpRequestMessage request)
    {
        var response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Fail($"{request.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return response;
    }

    /// <summary>
    /// Sends a webhook as its sender would before a test's fault: again after a 503, which a cold app on a busy
    /// machine may answer when its first storage calls outlast a short Webhooks__StoreTimeout.
    /// </summary>
    public static async Task SendWithRetriesOkAsync(HttpClient client, Func<HttpRequestMessage> request)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await client.SendAsync(request());
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 5)
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    public static async Task<JsonElement> GetOrderAsync(ReminderAppFactory app, string orderId)
    {
        using var admin = app.CreateAdminClient();
        using var response = await admin.GetAsync($"/api/orders/{orderId}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET order answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static List<JsonElement> Timeline(JsonElement order, string type) =>
        order.GetProperty("timeline").EnumerateArray().Where(t => t.GetProperty("type").GetString() == type).ToList();

    public static List<JsonElement> Reminders(JsonElement order, string kind) =>
        order.GetProperty("reminders").EnumerateArray().Where(r => r.GetProperty("kind").GetString() == kind).ToList();

    /// <summary>
    /// Removes the app's own background services (timer and queue listeners, when the app registers them), so a
    /// test sees only what its webhooks did. The web host's own hosted services stay.
    /// </summary>
    public static void WithoutBackgroundTriggers(IServiceCollection services)
    {
        Assembly[] background = [typeof(Reminders.App.ReminderApp).Assembly, typeof(global::Functions.LocalHost.FunctionCatalog).Assembly];
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IHostedService)).ToList())
        {
            var type = descriptor.ImplementationType ?? descriptor.ImplementationFactory?.Method.DeclaringType;
            if (type is not null && background.Contains(type.Assembly)) services.Remove(descriptor);
        }
    }
}
