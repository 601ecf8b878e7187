using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Hosting;

namespace Reminders.App;

/// <summary>Composes the function app: settings, storage, domain services, triggers and HTTP routes.</summary>
public static class ReminderApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddFunctionsSettings(builder.Environment.ContentRootPath);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://localhost:7071");
        }

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddExceptionHandler<ExceptionProblemHandler>();
        services.AddOptions<AdminOptions>().Bind(builder.Configuration.GetSection("Admin"));
        services.AddStorageClients(builder.Configuration);
        services.AddHttpFunctions(typeof(ReminderApp).Assembly);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHttpFunctions(typeof(ReminderApp).Assembly);
        return app;
    }
}
