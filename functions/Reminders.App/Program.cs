using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Reminders.App;
using Reminders.App.Hosting;
using Reminders.App.Observability;

if (ReminderApp.StartedByFunctionsHost(args))
{
    // Core Tools (func start) or Azure: the Functions host runs this worker and talks to it over gRPC.
    var builder = FunctionsApplication.CreateBuilder(args);
    builder.ConfigureFunctionsWebApplication();
    builder.UseMiddleware<SecurityHeadersMiddleware>();
    builder.UseMiddleware<HttpProblemMiddleware>();
    builder.Services.AddReminders(builder.Configuration);
    if (ObservabilityRegistration.Exports(builder.Configuration))
    {
        // The worker's invocation spans and resource attributes, joined to the host's traces.
        builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
    }
    builder.Build().Run();
}
else
{
    // Started directly (run.sh where Core Tools is missing, the end-to-end tests): the same functions on the local host.
    ReminderApp.BuildLocal(args).Run();
}

/// <summary>Entry point; public so WebApplicationFactory can start the app in tests.</summary>
public partial class Program;
