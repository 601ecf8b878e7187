using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;
using Reminders.App.Reports;
using Reminders.Core.Orders;

namespace Reminders.App.Functions;

/// <summary>
/// GET /api/merchants/{merchantId}/report?from=yyyy-MM-dd&amp;to=yyyy-MM-dd[&amp;format=csv]: what reminders recovered,
/// per day in the merchant's zone, kind, step and channel. <c>Accept: text/csv</c> or <c>format=csv</c> gives CSV.
/// </summary>
public sealed class GetMerchantReport(RecoveryReport report)
{
    public const string CsvMediaType = "text/csv";

    [Function(nameof(GetMerchantReport))]
    [EndpointSummary("A merchant's recovery report: reminders sent and held back, orders paid or confirmed after them, opt-outs")]
    [Tags("Reports")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, CsvMediaType)]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    public async Task<Results<Ok<MerchantReport>, ContentHttpResult, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/merchants/{merchantId}/report")] HttpRequest request, string merchantId, CancellationToken cancellationToken)
    {
        if (!OrderEventParser.IsValidId(merchantId)) return Problems.BadRequest("merchantId", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        if (ReadDate(request, "from") is not { } from) return Problems.BadRequest("from", "is required: a date such as 2026-01-01 (a day in the merchant's zone).");
        if (ReadDate(request, "to") is not { } to) return Problems.BadRequest("to", "is required: a date such as 2026-01-31 (the last day, included).");
        if (to < from) return Problems.BadRequest("to", "must not be before from.");
        if (to.DayNumber - from.DayNumber + 1 > RecoveryReport.MaxDays) return Problems.BadRequest("to", $"must be at most {RecoveryReport.MaxDays} days after from, counting both.");
        var format = request.Query["format"].FirstOrDefault();
        if (format is not (null or "" or "json" or "csv")) return Problems.BadRequest("format", "must be json or csv.");

        var answer = await report.ReadAsync(merchantId, from, to, cancellationToken);
        if (format == "csv" || (format is null or "" && WantsCsv(request)))
        {
            request.HttpContext.Response.Headers.ContentDisposition =
                $"attachment; filename=\"report-{merchantId}-{answer.From}-{answer.To}.csv\"";
            return TypedResults.Content(answer.ToCsv(), CsvMediaType + "; charset=utf-8");
        }
        return TypedResults.Ok(answer);
    }

    private static DateOnly? ReadDate(HttpRequest request, string name) =>
        DateOnly.TryParseExact(request.Query[name].FirstOrDefault(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static bool WantsCsv(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(CsvMediaType, StringComparison.OrdinalIgnoreCase));
}
