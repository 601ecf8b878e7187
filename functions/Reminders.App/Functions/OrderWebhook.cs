using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status401Unauthorized)]
    [ProducesProblem(StatusCodes.Status413PayloadTooLarge)]
    [ProducesProblem(StatusCodes.Status415UnsupportedMediaType)]
    public Task<Results<Ok<WebhookAnswer>, ProblemHttpResult, ServiceUnavailableProblem>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/webhooks/orders")] HttpRequest request, CancellationToken cancellationToken) =>
        receiver.ReceiveAsync(request, WebhookSource.Orders, cancellationToken);
}
