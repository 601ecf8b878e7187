using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Reminders.App.Hosting;

/// <summary>
/// Headers every answer of the app carries: not cached, not sniffed, not framed, no referrer, and a content security
/// policy that allows nothing but inline style and same-origin form posts (the unsubscribe page). A function may set
/// its own (the dashboard page's CSP with its nonce); these fill in what it left unset, just before the answer starts,
/// so that problem answers written after a response was cleared carry them too.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static void AddOnStarting(HttpResponse response) => response.OnStarting(() =>
    {
        var headers = response.Headers;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.TryAdd("Referrer-Policy", "no-referrer");
        headers.TryAdd("Content-Security-Policy", ContentSecurityPolicy);
        return Task.CompletedTask;
    });

    /// <summary>On the local host: for every answer, the functions', the key check's and the host's own.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        AddOnStarting(context.Response);
        return next(context);
    });
}

/// <summary>Under the Functions host: <see cref="SecurityHeaders"/> on the answer of every HTTP function.</summary>
public sealed class SecurityHeadersMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } httpContext) SecurityHeaders.AddOnStarting(httpContext.Response);
        return next(context);
    }
}
