using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Reminders.App.Hosting;

/// <summary>Binds every <see cref="IHttpFunction"/> to its route, as the Functions host binds HTTP triggers.</summary>
public static class HttpFunctionEndpoints
{
    public const string RoutePrefix = "/api/";

    public static IEnumerable<Type> HttpFunctionTypes(Assembly assembly) =>
        assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IHttpFunction).IsAssignableFrom(t));

    public static void AddHttpFunctions(this IServiceCollection services, Assembly assembly)
    {
        services.AddSingleton<AdminKeyFilter>();
        foreach (var type in HttpFunctionTypes(assembly)) services.AddScoped(type);
    }

    public static void MapHttpFunctions(this IEndpointRouteBuilder endpoints, Assembly assembly)
    {
        foreach (var type in HttpFunctionTypes(assembly))
        {
            var trigger = type.GetCustomAttribute<HttpTriggerAttribute>()
                ?? throw new InvalidOperationException($"{type.Name} implements IHttpFunction but has no [HttpTrigger].");
            var name = type.GetCustomAttribute<FunctionAttribute>()?.Name ?? type.Name;
            var route = trigger.Route.StartsWith('/') ? trigger.Route : RoutePrefix + trigger.Route;

            var endpoint = endpoints
                .MapMethods(route, trigger.Methods, (Delegate)((HttpContext context) =>
                    ((IHttpFunction)context.RequestServices.GetRequiredService(type)).RunAsync(context.Request, context.RequestAborted)))
                .WithName(name)
                .WithMetadata([.. type.GetCustomAttributes(inherit: false)]);
            if (trigger.Summary is not null) endpoint.WithSummary(trigger.Summary);
            if (trigger.AuthLevel == AuthorizationLevel.Admin)
            {
                endpoint.AddEndpointFilter<AdminKeyFilter>();
            }
        }
    }
}
