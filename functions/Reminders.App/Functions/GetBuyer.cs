using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Reminders.App.Buyers;
using Reminders.App.Delivery;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;
using Reminders.Core;
using Reminders.Core.Orders;

namespace Reminders.App.Functions;

/// <summary>
/// GET /api/admin/buyers/{buyerId}?merchantId=: the buyer's opt-outs and the contacts providers refused (masked). The
/// merchant is required unless Buyers__GlobalIds says buyer ids are global.
/// </summary>
public sealed class GetBuyer(BuyerStore buyers, BadContactNotes badContacts)
{
    [Function(nameof(GetBuyer))]
    [EndpointSummary("A buyer's opt-outs and bad contacts")]
    [Tags("Admin")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<BuyerView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/admin/buyers/{buyerId}")] HttpRequest request, string buyerId, CancellationToken cancellationToken)
    {
        if (!OrderEventParser.IsValidId(buyerId)) return Problems.BadRequest("buyerId", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        var merchantId = request.Query["merchantId"].FirstOrDefault();
        if (BuyerScope.Check(buyers, merchantId) is { } problem) return problem;
        var buyerKey = buyers.KeyOf(merchantId, buyerId);
        var profile = await buyers.GetAsync(buyerKey, cancellationToken);
        var notes = await badContacts.ListAsync(buyerKey, cancellationToken);
        if (profile.ETag == default && notes.Count == 0) return Problems.NotFound($"No buyer {buyerId} is known{(merchantId is null ? "" : $" for merchant {merchantId}")}.");
        return TypedResults.Ok(BuyerView.From(merchantId, buyerId, profile, notes));
    }
}

/// <summary>The admin view of a buyer (of a merchant, unless buyer ids are global): opt-outs, bad contacts (masked), reminders counted in the last 24 hours.</summary>
public sealed record BuyerView(string? MerchantId, string BuyerId, IReadOnlyList<string> OptedOut, IReadOnlyList<BadContactView> BadContacts, int RemindersLast24Hours)
{
    public static BuyerView From(string? merchantId, string buyerId, BuyerProfile profile, IReadOnlyList<BadContactNote> notes) => new(
        merchantId,
        buyerId,
        profile.OptedOut.Select(c => c.ToWire()).Order(StringComparer.Ordinal).ToList(),
        profile.BadContacts.Keys.Order().Select(channel =>
        {
            var note = notes.FirstOrDefault(n => n.Channel == channel);
            return new BadContactView(channel.ToWire(), note?.MaskedContact, note?.Reason, note?.At);
        }).ToList(),
        profile.Recent.Count);
}

/// <summary>A channel whose contact a provider refused for good: the contact masked, why and when (null when no note was kept).</summary>
public sealed record BadContactView(string Channel, string? Contact, string? Reason, DateTimeOffset? At);
