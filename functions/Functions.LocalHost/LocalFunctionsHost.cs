using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Functions.LocalHost;

/// <summary>
/// A small stand-in for the Azure Functions host and Core Tools (<c>func start</c>), for machines without them and
/// for end-to-end tests: it runs the isolated-worker functions of a compiled assembly inside one ASP.NET Core app.
/// <para>
/// It finds the functions by reading the real worker attributes (<c>[Function]</c> with <c>[HttpTrigger]</c>,
/// <c>[TimerTrigger]</c> or <c>[QueueTrigger]</c>), reads <c>host.json</c> and <c>local.settings.json</c> as the host
/// and Core Tools do, and keeps the host's behaviour: routes under <c>extensions.http.routePrefix</c> with function
/// keys, <c>POST /admin/functions/{name}</c>, the timer's singleton blob lease and schedule monitor, the queue
/// trigger's batching, back-off, visibility and poison queue, and <c>%Setting%</c> resolution.
/// </para>
/// <para>
/// What it does not do: no gRPC and no worker process (functions run in this process, a DI scope per invocation,
/// their class created with <see cref="ActivatorUtilities"/>); no bindings beyond those three triggers, no input or
/// output bindings, no <c>FunctionContext</c>, no middleware; queue triggers read the one storage account of
/// <c>AzureWebJobsStorage</c> through the <c>QueueServiceClient</c> in DI (the Azure client named
/// <c>AzureWebJobsStorage</c> if registered, else the default one), which must hand messages over as stored
/// (<c>QueueMessageEncoding.None</c>, the SDK's default) since the host decodes them by host.json <c>messageEncoding</c>; keys come from one list (<see cref="LocalFunctionsHostOptions.Keys"/>),
/// each opening every function, where the host keeps function, host and master keys apart.
/// </para>
/// </summary>
public static class LocalFunctionsHost
{
    /// <summary>
    /// Reads host.json and local.settings.json into the configuration, discovers the functions of
    /// <paramref name="functionsAssembly"/> and registers the timer and queue listeners. Needs
    /// <c>QueueServiceClient</c> and <c>BlobServiceClient</c> (Azure.Storage.*) in DI by the time the app starts.
    /// </summary>
    public static WebApplicationBuilder AddLocalFunctionsHost(
        this WebApplicationBuilder builder, Assembly functionsAssembly, Action<LocalFunctionsHostOptions>? configure = null) =>
        builder.AddLocalFunctionsHost(FunctionCatalog.Discover(functionsAssembly), configure);

    /// <summary>As <see cref="AddLocalFunctionsHost(WebApplicationBuilder, Assembly, Action{LocalFunctionsHostOptions}?)"/>, for functions already discovered.</summary>
    public static WebApplicationBuilder AddLocalFunctionsHost(
        this WebApplicationBuilder builder, FunctionCatalog catalog, Action<LocalFunctionsHostOptions>? configure = null)
    {
        builder.Configuration.AddFunctionsHostFiles(builder.Environment.ContentRootPath, builder.Environment.EnvironmentName);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection(FunctionsConfiguration.HostSection + ":logging"));
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(LocalFunctionsHostOptions.DefaultUrl);
        }

        var services = builder.Services;
        services.AddOptions<LocalFunctionsHostOptions>().Configure(configure ?? (_ => { }));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(catalog);
        services.AddSingleton<FunctionInvoker>();
        services.AddSingleton<FunctionKeys>();
        services.AddSingleton(_ => QueueTriggerOptions.Load(builder.Configuration));
        services.AddSingleton(_ => TimerTriggerOptions.Load(builder.Configuration));
        services.AddSingleton<TimerTriggerService>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerTriggerService>());
        services.AddHostedService<QueueTriggerService>();
        // IActionResult answers (OkObjectResult and friends) are written by MVC's result executors.
        services.AddMvcCore();
        return builder;
    }

    /// <summary>Maps every HTTP function under the route prefix, and <c>POST /admin/functions/{name}</c>.</summary>
    public static IEndpointRouteBuilder MapLocalFunctions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHttpFunctions();
        endpoints.MapAdminInvoke();
        return endpoints;
    }
}
