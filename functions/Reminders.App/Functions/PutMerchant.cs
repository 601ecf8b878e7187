using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;
using Reminders.App.Merchants;
using Reminders.Core.Orders;

namespace Reminders.App.Functions;

/// <summary>
/// PUT /api/merchants/{merchantId}: creates (201) or replaces (200) a merchant's profile and policy. With If-Match the
/// write happens only if the merchant is still at that ETag (412 otherwise; <c>*</c>: any version that exists).
/// Every instance uses the change within MerchantStore__CacheLifetime.
/// </summary>
public sealed class PutMerchant(MerchantTable table, MerchantCatalog catalog, MerchantRequests requests, TimeProvider time)
{
    public const int MaxBodyBytes = 32 * 1024;
    private const int MaxAttempts = 5;

    [Function(nameof(PutMerchant))]
    [EndpointSummary("Create or replace a merchant's profile and reminder policy")]
    [Tags("Merchants")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status412PreconditionFailed)]
    [ProducesProblem(StatusCodes.Status413PayloadTooLarge)]
    public async Task<Results<Ok<MerchantView>, Created<MerchantView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "api/merchants/{merchantId}")] HttpRequest request, string merchantId, CancellationToken cancellationToken)
    {
        if (!OrderEventParser.IsValidId(merchantId)) return Problems.BadRequest("merchantId", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        var bytes = await RequestBody.ReadAtMostAsync(request, MaxBodyBytes, cancellationToken);
        if (bytes is null) return Problems.TooLarge(MaxBodyBytes);
        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Problems.BadRequest("body", "must be JSON: {\"name\", \"locale\", \"timeZone\", \"alertEmail\", \"alertWebhook\", \"linkTemplate\", \"policy\"}.");
        }

        var ifMatch = request.Headers.IfMatch.FirstOrDefault();
        for (var attempt = 1; ; attempt++)
        {
            var current = await table.GetAsync(merchantId, cancellationToken);
            if (ifMatch is not null && (current is null || (ifMatch != "*" && ifMatch != current.ETag.ToString())))
                return Stale(merchantId);
            var (entry, errors) = requests.Read(merchantId, body, current, time.GetUtcNow());
            if (entry is null) return Problems.BadRequest(errors);

            if (await table.TrySaveAsync(entry, cancellationToken) is { } saved)
            {
                catalog.Invalidate();
                request.HttpContext.Response.Headers.ETag = saved.ETag.ToString();
                var view = MerchantView.From(saved);
                return current is null ? TypedResults.Created($"/api/merchants/{merchantId}", view) : TypedResults.Ok(view);
            }
            // Someone else wrote the merchant since we read it: with If-Match that is a stale ETag, else read again.
            if (ifMatch is not null || attempt >= MaxAttempts) return Stale(merchantId);
        }
    }

    internal static ProblemHttpResult Stale(string merchantId) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed, title: "The merchant changed.",
        detail: $"Merchant {merchantId} is not at the ETag given in If-Match (or does not exist): GET it again and retry.",
        extensions: new Dictionary<string, object?> { ["field"] = "If-Match" });
}
