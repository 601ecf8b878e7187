using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Functions.LocalHost;

/// <summary>
/// <c>POST /admin/functions/{name}</c> with a key: runs a timer function now and answers 202 Accepted, as the
/// Functions host's admin API does. The optional body <c>{"input": "..."}</c> is accepted and, for timers, ignored.
/// </summary>
internal static class AdminInvokeEndpoints
{
    public const string Route = "/admin/functions/{name}";

    public static void MapAdminInvoke(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Route, InvokeAsync).WithName("AdminInvokeFunction");

    private static async Task<IResult> InvokeAsync(string name, HttpRequest request, FunctionKeys keys, TimerTriggerService timers)
    {
        if (!keys.IsAuthorized(request)) return FunctionKeys.Unauthorized();
        if (await ReadBodyErrorAsync(request) is { } error) return error;
        return timers.TryInvokeNow(name)
            ? TypedResults.Accepted((string?)null)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: $"There is no timer function named '{name}'.");
    }

    /// <summary>A 400 answer when a body is present but is not <c>{"input": string}</c>; null otherwise.</summary>
    private static async Task<IResult?> ReadBodyErrorAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return BadRequest("The body must be a JSON object such as {\"input\": \"\"}.");
            if (document.RootElement.TryGetProperty("input", out var input) && input.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                return BadRequest("input must be a string.");
            }
            return null;
        }
        catch (JsonException)
        {
            return BadRequest("The body is not valid JSON.");
        }
    }

    private static IResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request is invalid.", detail: detail);
}
