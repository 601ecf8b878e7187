using Microsoft.AspNetCore.Http;
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
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/admin/dashboard/queues")] HttpRequest request, CancellationToken cancellationToken) =>
        Results.Ok(new { queues = await queries.QueueDepthsAsync(cancellationToken) });
}
