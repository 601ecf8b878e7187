using Microsoft.AspNetCore.Http;
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
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/admin/outbox")] HttpRequest request, CancellationToken cancellationToken)
    {
        var orderId = request.Query["orderId"].FirstOrDefault();
        if (string.IsNullOrEmpty(orderId)) return Problems.BadRequest("orderId", "is required: GET /api/admin/outbox?orderId=...");
        if (!OrderEventParser.IsValidId(orderId)) return Problems.BadRequest("orderId", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        var entries = await outbox.ListAsync(orderId, cancellationToken);
        return Results.Ok(new
        {
            orderId,
            entries = entries.Select(e => new
            {
                id = e.Id,
                channel = e.Channel,
                orderId = e.OrderId,
                kind = e.Kind,
                to = e.To,
                subject = e.Subject,
                text = e.Text,
                sentAt = e.SentAt,
            }),
        });
    }
}
