using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;
using Reminders.App.Webhooks;
using Reminders.Core.Orders;

namespace Reminders.App.Functions;

/// <summary>POST /api/webhooks/payments: payment.succeeded, .failed, refund.requested, .completed, .failed, settlement.completed, signed per Standard Webhooks.</summary>
public sealed class PaymentWebhook(WebhookReceiver receiver)
{
    [Function(nameof(PaymentWebhook))]
    [EndpointSummary("Payment, refund and settlement events from the payment gateway")]
    [Tags("Webhooks")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status401Unauthorized)]
    [ProducesProblem(StatusCodes.Status413PayloadTooLarge)]
    [ProducesProblem(StatusCodes.Status415UnsupportedMediaType)]
    public Task<Results<Ok<WebhookAnswer>, ProblemHttpResult, ServiceUnavailableProblem>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/webhooks/payments")] HttpRequest request, CancellationToken cancellationToken) =>
        receiver.ReceiveAsync(request, WebhookSource.Payments, cancellationToken);
}
