using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.LocalHost;

/// <summary>
/// Serves HTTP functions as the host does with ASP.NET Core integration: each on
/// <c>{routePrefix}/{route}</c> for its methods, the request's DI scope as the invocation's, route values bound to
/// parameters by name, the answer written from the returned <see cref="IResult"/>, <see cref="IActionResult"/>
/// or value (as JSON). Levels other than Anonymous need a key.
/// </summary>
internal static class HttpFunctionEndpoints
{
    public const string RoutePrefixKey = FunctionsConfiguration.HostSection + ":extensions:http:routePrefix";
    private const string Reason = "This function was programmatically called via the host APIs.";

    public static void MapHttpFunctions(this IEndpointRouteBuilder endpoints)
    {
        var catalog = endpoints.ServiceProvider.GetRequiredService<FunctionCatalog>();
        var prefix = (endpoints.ServiceProvider.GetRequiredService<IConfiguration>()[RoutePrefixKey] ?? "api").Trim('/');
        foreach (var function in catalog.Functions.Where(f => f.TriggerType == TriggerType.HttpTrigger))
        {
            var route = (function.Route ?? function.Name).TrimStart('/');
            var pattern = prefix.Length == 0 ? "/" + route : $"/{prefix}/{route}";
            // A Delegate rather than a RequestDelegate, so that API explorers (OpenAPI) see the endpoint and its metadata.
            Delegate handler = (HttpContext context) => HandleAsync(context, function);
            var endpoint = function.HttpMethods is { Count: > 0 } methods
                ? endpoints.MapMethods(pattern, methods.Select(m => m.ToUpperInvariant()), handler)
                : endpoints.Map(pattern, handler);
            endpoint.WithName(function.Name).WithMetadata([function, .. function.Method.GetCustomAttributes(inherit: true)]);
        }
    }

    private static async Task HandleAsync(HttpContext context, FunctionDescriptor function)
    {
        if (function.AuthLevel != AuthorizationLevel.Anonymous
            && !context.RequestServices.GetRequiredService<FunctionKeys>().IsAuthorized(context.Request))
        {
            await FunctionKeys.Unauthorized().ExecuteAsync(context);
            return;
        }
        var bindingData = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in function.Method.GetParameters().Where(p => p != function.TriggerParameter && p.ParameterType != typeof(CancellationToken)))
        {
            var text = context.Request.RouteValues.GetValueOrDefault(parameter.Name!)?.ToString();
            if (!TryConvert(text, parameter.ParameterType, out var value))
            {
                await TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request is invalid.",
                    detail: $"Route value '{parameter.Name}' is not a valid {parameter.ParameterType.Name}.").ExecuteAsync(context);
                return;
            }
            bindingData[parameter.Name!] = value;
        }

        var invoker = context.RequestServices.GetRequiredService<FunctionInvoker>();
        var result = await invoker.InvokeAsync(function, context.RequestServices, Reason, context.Request, bindingData, context.RequestAborted);
        switch (result)
        {
            case IResult answer:
                await answer.ExecuteAsync(context);
                break;
            case IActionResult action:
                await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case not null:
                await TypedResults.Json(result).ExecuteAsync(context);
                break;
        }
    }

    private static bool TryConvert(string? text, Type type, out object? value)
    {
        value = null;
        if (text is null) return !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;
        if (type == typeof(string))
        {
            value = text;
            return true;
        }
        try
        {
            value = TypeDescriptor.GetConverter(type).ConvertFromString(null, CultureInfo.InvariantCulture, text);
            return true;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException or OverflowException)
        {
            return false;
        }
    }
}
