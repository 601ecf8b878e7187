using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;
using Reminders.App.Merchants;

namespace Reminders.App.Functions;

/// <summary>GET /api/merchants?pageSize=&amp;continuationToken=: the merchants of the Merchants table by id, a page at a time.</summary>
public sealed class ListMerchants(MerchantTable table)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    [Function(nameof(ListMerchants))]
    [EndpointSummary("The merchants managed through the API, a page at a time")]
    [Tags("Merchants")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    public async Task<Results<Ok<MerchantPageView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/merchants")] HttpRequest request, CancellationToken cancellationToken)
    {
        var pageSize = DefaultPageSize;
        if (request.Query["pageSize"].FirstOrDefault() is { } size && (!int.TryParse(size, out pageSize) || pageSize is < 1 or > MaxPageSize))
            return Problems.BadRequest("pageSize", $"must be a whole number from 1 to {MaxPageSize}.");
        var token = request.Query["continuationToken"].FirstOrDefault();
        if (token is { Length: > 1024 }) return BadToken();
        try
        {
            var page = await table.ListAsync(pageSize, string.IsNullOrEmpty(token) ? null : token, cancellationToken);
            return TypedResults.Ok(new MerchantPageView([.. page.Merchants.Select(MerchantView.From)], page.ContinuationToken));
        }
        catch (Exception e) when (e is RequestFailedException { Status: 400 } or ArgumentException or FormatException)
        {
            return BadToken();
        }
    }

    private static ProblemHttpResult BadToken() => Problems.BadRequest("continuationToken", "is not a token a previous page gave.");
}
