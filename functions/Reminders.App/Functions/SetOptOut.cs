using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Reminders.App.Buyers;
using Reminders.App.Delivery;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;
using Reminders.App.Reports;
using Reminders.Core;
using Reminders.Core.Orders;

namespace Reminders.App.Functions;

/// <summary>
/// POST /api/admin/optouts {"merchantId", "buyerId", "channel", "optedOut"}: an operator opts a buyer out of (or back into)
/// a channel. The merchant is required unless Buyers__GlobalIds says buyer ids are global.
/// </summary>
public sealed class SetOptOut(BuyerStore buyers, BadContactNotes badContacts, OptOutAttribution optOuts)
{
    [Function(nameof(SetOptOut))]
    [EndpointSummary("Opt a buyer out of (or back into) a channel")]
    [Tags("Admin")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    public async Task<Results<Ok<BuyerView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/admin/optouts")] HttpRequest request, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Problems.BadRequest("body", "must be JSON: {\"buyerId\": \"...\", \"channel\": \"sms\", \"optedOut\": true}");
        }
        if (body.ValueKind != JsonValueKind.Object) return Problems.BadRequest("body", "must be a JSON object.");

        var buyerId = body.TryGetProperty("buyerId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        if (!OrderEventParser.IsValidId(buyerId)) return Problems.BadRequest("buyerId", "is required: 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        var merchantId = body.TryGetProperty("merchantId", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        if (BuyerScope.Check(buyers, merchantId) is { } problem) return problem;
        var channelName = body.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        if (!WireNames.TryParseChannel(channelName, out var channel)) return Problems.BadRequest("channel", "must be push, sms or email.");
        if (!body.TryGetProperty("optedOut", out var o) || o.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return Problems.BadRequest("optedOut", "is required: true or false.");
        }

        var buyerKey = buyers.KeyOf(merchantId, buyerId!);
        var profile = await buyers.SetOptOutAsync(buyerKey, channel, o.GetBoolean(), cancellationToken);
        if (o.GetBoolean()) await optOuts.RecordAsync(profile, channel, cancellationToken);
        return TypedResults.Ok(BuyerView.From(merchantId, buyerId!, profile, await badContacts.ListAsync(buyerKey, cancellationToken)));
    }
}
