using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Reminders.App.Buyers;
using Reminders.App.Delivery;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;
using Reminders.Core;
using Reminders.Core.Orders;

namespace Reminders.App.Functions;

/// <summary>GET /api/admin/buyers/{buyerId}: the buyer's opt-outs and the contacts providers refused (masked).</summary>
public sealed class GetBuyer(BuyerStore buyers, BadContactNotes badContacts)
{
    [Function(nameof(GetBuyer))]
    [EndpointSummary("A buyer's opt-outs and bad contacts")]
    [Tags("Admin")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/admin/buyers/{buyerId}")] HttpRequest request, string buyerId, CancellationToken cancellationToken)
    {
        if (!OrderEventParser.IsValidId(buyerId)) return Problems.BadRequest("buyerId", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        var profile = await buyers.GetAsync(buyerId, cancellationToken);
        var notes = await badContacts.ListAsync(buyerId, cancellationToken);
        if (profile.ETag == default && notes.Count == 0) return Problems.NotFound($"No buyer {buyerId} is known.");
        return Results.Ok(BuyerView.From(profile, notes));
    }
}

/// <summary>The admin view of a buyer: opt-outs, bad contacts (masked), reminders counted in the last 24 hours.</summary>
public static class BuyerView
{
    public static object From(BuyerProfile profile, IReadOnlyList<BadContactNote> notes) => new
    {
        buyerId = profile.BuyerId,
        optedOut = profile.OptedOut.Select(c => c.ToWire()).Order(StringComparer.Ordinal).ToArray(),
        badContacts = profile.BadContacts.Keys.Order().Select(channel =>
        {
            var note = notes.FirstOrDefault(n => n.Channel == channel);
            return new { channel = channel.ToWire(), contact = note?.MaskedContact, reason = note?.Reason, at = note?.At };
        }).ToArray(),
        remindersLast24Hours = profile.Recent.Count,
    };
}
