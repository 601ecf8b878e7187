using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Reminders.App.Dashboard;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;

namespace Reminders.App.Functions;

/// <summary>GET /api/admin/dashboard/attention?hours=1: per sweep, index entries already due but not handled, and those due within the hours.</summary>
public sealed class DashboardAttention(DashboardQueries queries, TimeProvider time)
{
    [Function(nameof(DashboardAttention))]
    [EndpointSummary("Due and upcoming reminders per sweep, from the due-time index")]
    [Tags("Dashboard")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    public async Task<Results<Ok<AttentionView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/admin/dashboard/attention")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!DashboardRequest.TryReadInt(request, "hours", 1, 0, 48, out var hours, out var error)) return error!;
        var sweeps = await queries.AttentionAsync(TimeSpan.FromHours(hours), cancellationToken);
        return TypedResults.Ok(new AttentionView(time.GetUtcNow(), hours, sweeps));
    }
}

/// <summary>The dashboard's attention answer: per sweep, what is due and what comes within the horizon.</summary>
public sealed record AttentionView(DateTimeOffset Now, int HorizonHours, IReadOnlyList<SweepAttention> Sweeps);
