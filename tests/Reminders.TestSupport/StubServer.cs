using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Reminders.TestSupport;

/// <summary>One HTTP request as the stub received it, byte for byte.</summary>
public sealed record RecordedRequest(
    string Method,
    string RawTarget,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string Path => RawTarget.Split('?')[0];

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 with an OS-chosen port, standing in for a provider's API.
/// The handler sees each request after it has been recorded and writes the answer.
/// </summary>
public sealed class StubServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private StubServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>http://127.0.0.1:{port}/</summary>
    public Uri BaseUrl { get; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<StubServer> StartAsync(Func<RecordedRequest, HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        StubServer? server = null;
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(
                h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
            var recorded = new RecordedRequest(context.Request.Method, rawTarget, headers, buffer.ToArray());
            server!._requests.Enqueue(recorded);
            await handler(recorded, context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new StubServer(app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stopTimeout.Token);
        await _app.DisposeAsync();
    }

    /// <summary>Writes a JSON answer with extra headers.</summary>
    public static async Task RespondAsync(HttpContext context, int status, string? json, params (string Name, string Value)[] headers)
    {
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers) context.Response.Headers[name] = value;
        if (json is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json, context.RequestAborted);
        }
    }

    /// <summary>Never answers; returns when the client gives up (its timeout) or the server stops.</summary>
    public static async Task HangAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(2), context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client went away, which is the point.
        }
    }
}
