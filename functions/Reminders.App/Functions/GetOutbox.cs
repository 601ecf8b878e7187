using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Reminders.App.Delivery;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;
using Reminders.Core.Orders;

namespace Reminders.App.Functions;

/// <summary>GET /api/admin/outbox?orderId=...: what the local outbox holds for one order, recipients masked.</summary>
public sealed class GetOutbox(OutboxStore outbox)
{
    [Function(nameof(GetOutbox))]
    [EndpointSummary("Messages the local outbox holds for an order")]
    [Tags("Admin")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    public async Task<Results<Ok<OutboxView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/admin/outbox")] HttpRequest request, CancellationToken cancellationToken)
    {
        var orderId = request.Query["orderId"].FirstOrDefault();
        if (string.IsNullOrEmpty(orderId)) return Problems.BadRequest("orderId", "is required: GET /api/admin/outbox?orderId=...");
        if (!OrderEventParser.IsValidId(orderId)) return Problems.BadRequest("orderId", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        var entries = await outbox.ListAsync(orderId, cancellationToken);
        return TypedResults.Ok(new OutboxView(orderId, entries.Select(OutboxEntryView.From).ToList()));
    }
}

/// <summary>What the local outbox holds for one order.</summary>
public sealed record OutboxView(string OrderId, IReadOnlyList<OutboxEntryView> Entries);

/// <summary>One message the local outbox took instead of a provider; <see cref="To"/> is stored masked.</summary>
public sealed record OutboxEntryView(string Id, string Channel, string OrderId, string Kind, string To, string? Subject, string Text, DateTimeOffset SentAt)
{
    public static OutboxEntryView From(OutboxEntry e) => new(e.Id, e.Channel, e.OrderId, e.Kind, e.To, e.Subject, e.Text, e.SentAt);
}
