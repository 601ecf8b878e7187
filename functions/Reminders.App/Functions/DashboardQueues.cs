using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Reminders.App.Dashboard;
using Reminders.App.Hosting;

namespace Reminders.App.Functions;

/// <summary>GET /api/admin/dashboard/queues: approximate message counts of the reminder queues and their poison queues.</summary>
[Function("DashboardQueues")]
[HttpTrigger(AuthorizationLevel.Admin, "GET", Route = "admin/dashboard/queues", Summary = "Depths of the reminder queues and their poison queues")]
[Tags("Dashboard")]
[ProducesResponseType(StatusCodes.Status200OK)]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
public sealed class DashboardQueues(DashboardQueries queries) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpRequest request, CancellationToken cancellationToken) =>
        Results.Ok(new { queues = await queries.QueueDepthsAsync(cancellationToken) });
}
