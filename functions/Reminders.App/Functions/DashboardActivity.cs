using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    public async Task<Results<Ok<ActivityView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/admin/dashboard/activity")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!DashboardRequest.TryReadInt(request, "hours", 6, 1, MaxHours, out var hours, out var error)) return error!;
        await activity.FlushAsync(cancellationToken); // this instance's latest counts first
        var now = time.GetUtcNow();
        var snapshot = await activity.ReadAsync(now.AddHours(-(hours - 1)), now, cancellationToken);
        return TypedResults.Ok(ActivityView.Of(snapshot, now, hours));
    }
}

/// <summary>The dashboard's activity answer: totals by decision type and kind, counts per hour, failed reminders (200 at most).</summary>
public sealed record ActivityView(string From, string To, int Hours, IReadOnlyList<ActivityTotal> Totals, IReadOnlyList<ActivityHour> ByHour, IReadOnlyList<FailedReminder> Failed)
{
    public static ActivityView Of(ActivitySnapshot snapshot, DateTimeOffset now, int hours) => new(
        ActivityLog.HourOf(now.AddHours(-(hours - 1))),
        ActivityLog.HourOf(now),
        hours,
        snapshot.Counts
            .GroupBy(c => (c.Type, c.Kind))
            .OrderBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => g.Key.Type, StringComparer.Ordinal)
            .Select(g => new ActivityTotal(
                g.Key.Type,
                g.Key.Kind,
                g.Sum(c => c.Count),
                g.Where(c => c.Reason.Length > 0).GroupBy(c => c.Reason).ToDictionary(r => r.Key, r => r.Sum(c => c.Count))))
            .ToList(),
        snapshot.Counts
            .GroupBy(c => c.Hour)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ActivityHour(g.Key, g.GroupBy(c => c.Type).ToDictionary(t => t.Key, t => t.Sum(c => c.Count))))
            .ToList(),
        snapshot.Failed.Take(200).ToList());
}

/// <summary>How many timeline entries of one type (sent, suppressed, ...) one kind of reminder had, and why.</summary>
public sealed record ActivityTotal(string Type, string Kind, long Count, IReadOnlyDictionary<string, long> Reasons);

/// <summary>One hour (<c>yyyy-MM-ddTHH</c>) and its counts by timeline entry type.</summary>
public sealed record ActivityHour(string Hour, IReadOnlyDictionary<string, long> Counts);
