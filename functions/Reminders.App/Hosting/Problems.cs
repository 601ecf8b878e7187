using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Reminders.Core.Orders;

namespace Reminders.App.Hosting;

/// <summary>
/// RFC 9457 problem details answers: every error the app gives is made here, as a <see cref="ProblemHttpResult"/>
/// (application/problem+json, through the app's IProblemDetailsService when there is one).
/// </summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ProblemHttpResult BadRequest(IReadOnlyList<FieldError> errors)
    {
        var first = errors.Count > 0 ? errors[0] : new FieldError("body", "The request is invalid.");
        return TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "The request is invalid.",
            detail: errors.Count == 1 ? $"{first.Field}: {first.Message}" : $"{errors.Count} fields are invalid; the first is {first.Field}: {first.Message}",
            extensions: new Dictionary<string, object?>
            {
                ["field"] = first.Field,
                ["errors"] = errors.Select(e => new FieldErrorView(e.Field, e.Message)).ToArray(),
            });
    }

    public static ProblemHttpResult BadRequest(string field, string message) => BadRequest([new FieldError(field, message)]);

    /// <summary>A request that could not be read at all (framing, form limits): the status the server chose.</summary>
    public static ProblemHttpResult Unreadable(int statusCode, string detail) =>
        TypedResults.Problem(statusCode: statusCode, title: "The request could not be read.", detail: detail);

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.", detail: detail);

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.", detail: detail);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: detail);

    public static ProblemHttpResult TooLarge(long limit) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The body is too large.",
            detail: $"The body must be at most {limit} bytes.", extensions: new Dictionary<string, object?> { ["field"] = "body" });

    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.", detail: detail,
            extensions: new Dictionary<string, object?> { ["field"] = "Content-Type" });

    public static ProblemHttpResult Unexpected() =>
        TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "An unexpected error occurred.");

    public static ServiceUnavailableProblem StorageUnavailable(TimeSpan retryAfter) =>
        new(TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Storage is unavailable.",
                detail: "The event was not stored. Send it again later; it will be processed once."),
            retryAfter);
}

/// <summary>One entry of a 400 problem's <c>errors</c>.</summary>
public sealed record FieldErrorView(string Field, string Message);

/// <summary>
/// 503 problem details with <c>Retry-After</c>: the sender should try again later. Declares itself to OpenAPI, as
/// the typed results of ASP.NET Core do.
/// </summary>
public sealed class ServiceUnavailableProblem(ProblemHttpResult problem, TimeSpan retryAfter) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public int? StatusCode => problem.StatusCode;

    public ProblemDetails ProblemDetails => problem.ProblemDetails;

    public TimeSpan RetryAfter => retryAfter;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return problem.ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, Microsoft.AspNetCore.Builder.EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(ProblemDetails), [Problems.ContentType]));
}

/// <summary>
/// An error status a function answers with problem details. <see cref="ProblemHttpResult"/> carries its status as a
/// value, not in its type, so the error statuses of a function are declared with this (as minimal APIs declare
/// them with <c>.ProducesProblem(status)</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ProducesProblemAttribute(int statusCode) : ProducesResponseTypeAttribute(typeof(ProblemDetails), statusCode, Problems.ContentType);
