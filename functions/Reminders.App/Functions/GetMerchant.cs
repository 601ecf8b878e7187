using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Delivery;
using Reminders.App.Hosting;
using Reminders.App.Merchants;
using Reminders.Core.Orders;

namespace Reminders.App.Functions;

/// <summary>
/// GET /api/merchants/{merchantId}: the merchant's profile and policy, with its ETag; secrets only as hints. A
/// merchant known only from Merchants__{merchantId}__* settings is shown with source <c>settings</c>.
/// </summary>
public sealed class GetMerchant(MerchantTable table, MerchantDirectory directory)
{
    [Function(nameof(GetMerchant))]
    [EndpointSummary("A merchant's profile and reminder policy")]
    [Tags("Merchants")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<MerchantView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/merchants/{merchantId}")] HttpRequest request, string merchantId, CancellationToken cancellationToken)
    {
        if (!OrderEventParser.IsValidId(merchantId)) return Problems.BadRequest("merchantId", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        if (await table.GetAsync(merchantId, cancellationToken) is { } entry)
        {
            request.HttpContext.Response.Headers.ETag = entry.ETag.ToString();
            return TypedResults.Ok(MerchantView.From(entry));
        }
        return directory.FromSettings(merchantId) is { } profile
            ? TypedResults.Ok(MerchantView.FromSettings(profile))
            : Problems.NotFound($"No merchant {merchantId} is known.");
    }
}
