using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;
using Reminders.App.Merchants;
using Reminders.Core.Orders;

namespace Reminders.App.Functions;

/// <summary>
/// DELETE /api/merchants/{merchantId}: removes the merchant's table entry (204), conditional on If-Match when given
/// (412 when stale). Its Merchants__{merchantId}__* settings, if any, apply again; its orders are then sent with
/// the global rules.
/// </summary>
public sealed class DeleteMerchant(MerchantTable table, MerchantCatalog catalog)
{
    [Function(nameof(DeleteMerchant))]
    [EndpointSummary("Remove a merchant managed through the API")]
    [Tags("Merchants")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status412PreconditionFailed)]
    public async Task<Results<NoContent, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "api/merchants/{merchantId}")] HttpRequest request, string merchantId, CancellationToken cancellationToken)
    {
        if (!OrderEventParser.IsValidId(merchantId)) return Problems.BadRequest("merchantId", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        if (await table.GetAsync(merchantId, cancellationToken) is not { } current) return Problems.NotFound($"No merchant {merchantId} is in the Merchants table.");
        var ifMatch = request.Headers.IfMatch.FirstOrDefault();
        if (ifMatch is not null && ifMatch != "*" && ifMatch != current.ETag.ToString()) return PutMerchant.Stale(merchantId);
        if (!await table.TryDeleteAsync(merchantId, ifMatch is null ? ETag.All : current.ETag, cancellationToken)) return PutMerchant.Stale(merchantId);
        catalog.Invalidate();
        return TypedResults.NoContent();
    }
}
