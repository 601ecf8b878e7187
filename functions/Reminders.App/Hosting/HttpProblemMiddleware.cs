using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace Reminders.App.Hosting;

/// <summary>
/// Under the Functions host, the same answers for a failing HTTP function as <see cref="ExceptionProblemHandler"/>
/// gives on the local host (503 with Retry-After when storage is down, 4xx for an unreadable request): the
/// host would otherwise answer 500 for anything a function throws.
/// </summary>
public sealed partial class HttpProblemMiddleware(ILogger<HttpProblemMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (context.GetHttpContext() is { } httpContext)
        {
            var problem = ExceptionProblemHandler.ProblemFor(exception, httpContext, logger);
            if (problem is not null) await problem.ExecuteAsync(httpContext);
        }
    }
}
