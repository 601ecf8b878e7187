using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;
using Reminders.App.Webhooks;
using Reminders.Core.Orders;

namespace Reminders.App.Functions;

/// <summary>POST /api/webhooks/orders: order.created, .shipped, .delivered, .receipt_confirmed, .cancelled, signed per Standard Webhooks.</summary>
public sealed class OrderWebhook(WebhookReceiver receiver)
{
    [Function(nameof(OrderWebhook))]
    [EndpointSummary("Order events from the order system")]
    [Tags("Webhooks")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/webhooks/orders")] HttpRequest request, CancellationToken cancellationToken) =>
        receiver.ReceiveAsync(request, WebhookSource.Orders, cancellationToken);
}
