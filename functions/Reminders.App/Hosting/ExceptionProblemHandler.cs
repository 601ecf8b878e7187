using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Reminders.App.Storage;

namespace Reminders.App.Hosting;

/// <summary>
/// Last line of defence for HTTP functions: storage that cannot be reached answers 503 with
/// Retry-After (the sender retries; nothing was accepted), a malformed request answers 4xx,
/// and only a fault of our own answers 500.
/// </summary>
public sealed partial class ExceptionProblemHandler(ILogger<ExceptionProblemHandler> logger) : IExceptionHandler
{
    public static readonly TimeSpan StorageRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>Retry-After when an order is too busy with concurrent events to take one more right now.</summary>
    public static readonly TimeSpan ContentionRetryAfter = TimeSpan.FromSeconds(2);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (ProblemFor(exception, httpContext, logger) is { } problem) await problem.ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>The answer for an exception an HTTP function threw; null when the client has gone (nothing to answer).</summary>
    public static IResult? ProblemFor(Exception exception, HttpContext httpContext, ILogger logger)
    {
        switch (exception)
        {
            case BadHttpRequestException bad:
                return bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? Problems.TooLarge(httpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0)
                    : Problems.Unreadable(bad.StatusCode, bad.Message);
            case TableTransactionFailedException { Status: 409 or 412 } contended:
                // Other writers to the same order won every round of optimistic concurrency: busy, not broken.
                LogStorageUnavailable(logger, httpContext.Request.Path, contended.Status, contended.ErrorCode);
                return Problems.StorageUnavailable(ContentionRetryAfter);
            case var storage when StorageFailure.IsUnavailable(storage):
                var failed = storage as RequestFailedException;
                LogStorageUnavailable(logger, httpContext.Request.Path, failed?.Status ?? 0, failed?.ErrorCode);
                return Problems.StorageUnavailable(StorageRetryAfter);
            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                return null;
            default:
                LogUnhandled(logger, exception, httpContext.Request.Path);
                return Problems.Unexpected();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage unavailable while serving {Path}: status {Status}, code {ErrorCode}")]
    private static partial void LogStorageUnavailable(ILogger logger, PathString path, int status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error while serving {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, PathString path);
}
