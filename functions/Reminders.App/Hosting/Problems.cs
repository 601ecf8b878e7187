using Microsoft.AspNetCore.Http;
using Reminders.Core.Orders;

namespace Reminders.App.Hosting;

/// <summary>RFC 9457 problem details answers.</summary>
public static class Problems
{
    public static IResult BadRequest(IReadOnlyList<FieldError> errors)
    {
        var first = errors.Count > 0 ? errors[0] : new FieldError("body", "The request is invalid.");
        return Results.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "The request is invalid.",
            detail: errors.Count == 1 ? $"{first.Field}: {first.Message}" : $"{errors.Count} fields are invalid; the first is {first.Field}: {first.Message}",
            extensions: new Dictionary<string, object?>
            {
                ["field"] = first.Field,
                ["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToArray(),
            });
    }

    public static IResult BadRequest(string field, string message) => BadRequest([new FieldError(field, message)]);

    public static IResult Unauthorized(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.", detail: detail);

    public static IResult NotFound(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: detail);

    public static IResult TooLarge(long limit) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The body is too large.",
            detail: $"The body must be at most {limit} bytes.", extensions: new Dictionary<string, object?> { ["field"] = "body" });

    public static IResult UnsupportedMediaType(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.", detail: detail,
            extensions: new Dictionary<string, object?> { ["field"] = "Content-Type" });

    public static IResult StorageUnavailable(TimeSpan retryAfter) =>
        new WithRetryAfter(
            Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Storage is unavailable.",
                detail: "The event was not stored. Send it again later; it will be processed once."),
            retryAfter);

    private sealed class WithRetryAfter(IResult inner, TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
