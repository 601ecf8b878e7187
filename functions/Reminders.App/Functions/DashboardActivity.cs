using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Reminders.App.Dashboard;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;

namespace Reminders.App.Functions;

/// <summary>GET /api/admin/dashboard/activity?hours=6: timeline entries by kind and decision per hour, and the reminders that failed.</summary>
public sealed class DashboardActivity(ActivityLog activity, TimeProvider time)
{
    public const int MaxHours = 168;

    [Function(nameof(DashboardActivity))]
    [EndpointSummary("Reminder decisions by kind over the last hours, and failed reminders")]
    [Tags("Dashboard")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/admin/dashboard/activity")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!DashboardRequest.TryReadInt(request, "hours", 6, 1, MaxHours, out var hours, out var error)) return error!;
        await activity.FlushAsync(cancellationToken); // this instance's latest counts first
        var now = time.GetUtcNow();
        var snapshot = await activity.ReadAsync(now.AddHours(-(hours - 1)), now, cancellationToken);
        return Results.Ok(new
        {
            from = ActivityLog.HourOf(now.AddHours(-(hours - 1))),
            to = ActivityLog.HourOf(now),
            hours,
            totals = snapshot.Counts
                .GroupBy(c => (c.Type, c.Kind))
                .OrderBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => g.Key.Type, StringComparer.Ordinal)
                .Select(g => new
                {
                    type = g.Key.Type,
                    kind = g.Key.Kind,
                    count = g.Sum(c => c.Count),
                    reasons = g.Where(c => c.Reason.Length > 0).GroupBy(c => c.Reason).ToDictionary(r => r.Key, r => r.Sum(c => c.Count)),
                }),
            byHour = snapshot.Counts
                .GroupBy(c => c.Hour)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new { hour = g.Key, counts = g.GroupBy(c => c.Type).ToDictionary(t => t.Key, t => t.Sum(c => c.Count)) }),
            failed = snapshot.Failed.Take(200).Select(f => new
            {
                at = f.At,
                orderId = f.OrderId,
                reminderId = f.ReminderId,
                kind = f.Kind,
                channel = f.Channel,
                reason = f.Reason,
            }),
        });
    }
}
