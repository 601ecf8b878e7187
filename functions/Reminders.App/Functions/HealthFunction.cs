using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;

namespace Reminders.App.Functions;

/// <summary>GET /api/health: whether each storage service answers. 200 when all do, 503 otherwise.</summary>
public sealed class HealthFunction(TableServiceClient tables, QueueServiceClient queues, BlobServiceClient blobs)
{
    [Function("Health")]
    [EndpointSummary("Whether table, queue and blob storage answer")]
    [Tags("Health")]
    [ProducesResponseType<HealthView>(StatusCodes.Status503ServiceUnavailable)]
    public async Task<Results<Ok<HealthView>, JsonHttpResult<HealthView>>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var token = timeout.Token;

        var checks = await Task.WhenAll(
            Check("table", () => tables.QueryAsync(maxPerPage: 1, cancellationToken: token).AsPages().GetAsyncEnumerator(token).MoveNextAsync().AsTask()),
            Check("queue", () => queues.GetQueuesAsync(cancellationToken: token).AsPages(pageSizeHint: 1).GetAsyncEnumerator(token).MoveNextAsync().AsTask()),
            Check("blob", () => blobs.GetBlobContainersAsync(cancellationToken: token).AsPages(pageSizeHint: 1).GetAsyncEnumerator(token).MoveNextAsync().AsTask()));

        var healthy = checks.All(c => c.Reachable);
        var body = new HealthView(healthy ? "healthy" : "unhealthy", checks.ToDictionary(c => c.Service, c => new ServiceHealth(c.Reachable, c.Error)));
        return healthy ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<ServiceCheck> Check(string service, Func<Task> probe)
    {
        try
        {
            await probe();
            return new ServiceCheck(service, true, null);
        }
        catch (RequestFailedException e)
        {
            return new ServiceCheck(service, false, e.Status == 0 ? "unreachable" : $"{e.Status} {e.ErrorCode}");
        }
        catch (OperationCanceledException)
        {
            return new ServiceCheck(service, false, "timed out");
        }
        catch (Exception)
        {
            // A probe answers for the service whatever way the connection broke; it never fails itself.
            return new ServiceCheck(service, false, "unreachable");
        }
    }

    private sealed record ServiceCheck(string Service, bool Reachable, string? Error);
}

/// <summary>The health answer: <c>healthy</c> when every storage service answers, else <c>unhealthy</c> (with 503).</summary>
public sealed record HealthView(string Status, IReadOnlyDictionary<string, ServiceHealth> Services);

/// <summary>Whether one storage service answered, and how it failed when it did not.</summary>
public sealed record ServiceHealth(bool Reachable, string? Error);
