using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Reminders.App.Dashboard;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;

namespace Reminders.App.Functions;

/// <summary>GET /api/admin/dashboard/queues: approximate message counts of the reminder queues and their poison queues.</summary>
public sealed class DashboardQueues(DashboardQueries queries)
{
    [Function(nameof(DashboardQueues))]
    [EndpointSummary("Depths of the reminder queues and their poison queues")]
    [Tags("Dashboard")]
    public async Task<Ok<QueuesView>> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/admin/dashboard/queues")] HttpRequest request, CancellationToken cancellationToken) =>
        TypedResults.Ok(new QueuesView(await queries.QueueDepthsAsync(cancellationToken)));
}

/// <summary>The dashboard's queues answer: the depth of every reminder queue and poison queue.</summary>
public sealed record QueuesView(IReadOnlyList<QueueDepth> Queues);
